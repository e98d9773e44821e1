import CLibPQ

extension PostgresConnection {
    /// Runs `COPY … FROM STDIN` and streams the body's bytes to the server.
    ///
    /// - Parameters:
    ///   - copyStatement: the COPY statement, e.g. `COPY analytics.events (…) FROM STDIN`.
    ///   - body: writes the data through the `CopyInWriter`. If it throws, the COPY is aborted
    ///     (PQputCopyEnd with an error message), the server rolls the COPY back, and the body's error is
    ///     rethrown; the connection stays usable.
    /// - Returns: the number of rows the server reports it copied.
    /// - Throws: `.copyFailed` with SQLSTATE when the server rejects the COPY (bad row: 22P02, constraint:
    ///   23xxx, …), `.queryFailed` when the statement itself fails, `.connectionLost` on a broken connection.
    @discardableResult
    public func copyIn(_ copyStatement: String, body: (CopyInWriter) throws -> Void) throws -> Int {
        let handle = try requireHandle()
        try checkNoNUL(copyStatement, what: "COPY statement")
        guard PQsendQuery(handle, copyStatement) == 1 else { throw sendFailure() }
        guard let start = PQgetResult(handle) else { throw sendFailure() }
        let startStatus = PQresultStatus(start)
        guard startStatus == PGRES_COPY_IN else {
            let failure: PostgresError
            if startStatus == PGRES_FATAL_ERROR || startStatus == PGRES_NONFATAL_ERROR || startStatus == PGRES_BAD_RESPONSE {
                failure = error(from: start, code: .queryFailed)
            } else {
                failure = PostgresError(code: .unexpectedResult, message: "copyIn needs a COPY … FROM STDIN statement")
            }
            PQclear(start)
            // Drain whatever else the statement produced (e.g. the rest of a multi-statement string).
            _ = try? collectResults(handle).map { PQclear($0) }
            throw failure
        }
        PQclear(start)

        do {
            try body(CopyInWriter(handle: handle))
        } catch {
            let reason = OneLine.collapse(String(describing: error))
            // The server answers the abort with 57014 "COPY from stdin failed: <reason>"; we drain it and
            // rethrow the body's own error, which is the real cause.
            if PQputCopyEnd(handle, "aborted by client: \(reason)") == 1 {
                _ = try? collectResults(handle).map { PQclear($0) }
            }
            throw error
        }

        guard PQputCopyEnd(handle, nil) == 1 else { throw sendFailure() }
        var rows = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK:
                rows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
            default:
                failure = failure ?? error(from: result, code: .copyFailed)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if PQstatus(handle) != CONNECTION_OK {
            throw PostgresError(code: .connectionLost, message: lastErrorMessage())
        }
        return rows
    }
}

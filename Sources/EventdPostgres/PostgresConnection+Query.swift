import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresConnection {
    /// Runs one or more statements with the simple query protocol (no parameters).
    ///
    /// Used for DDL and migrations: a whole migration file goes through one call. Execution stops at the
    /// first failing statement, whose error is thrown; outside an explicit transaction the statements
    /// before it stay committed, as with psql.
    public func execute(_ sql: String) throws {
        let handle = try requireHandle()
        try checkNoNUL(sql, what: "SQL text")
        guard PQsendQuery(handle, sql) == 1 else { throw sendFailure() }
        let result = try collectResults(handle)
        if let result { PQclear(result) }
    }

    /// Runs one statement with parameters `$1…$n` sent separately from the SQL (PQexecParams, text format),
    /// so values can never change the statement. nil parameters are SQL NULL.
    ///
    /// - Returns: the rows (empty for commands), the command tag and the affected row count.
    @discardableResult
    public func query(_ sql: String, _ params: [String?] = []) throws -> PostgresRows {
        let handle = try requireHandle()
        try checkNoNUL(sql, what: "SQL text")
        for (index, param) in params.enumerated() {
            if let param { try checkNoNUL(param, what: "parameter $\(index + 1)") }
        }
        let sent = withNullableCStringArray(params) { values in
            PQsendQueryParams(handle, sql, Int32(params.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw sendFailure() }
        guard let result = try collectResults(handle) else {
            return PostgresRows(columns: [], rows: [], commandTag: "", affectedRows: nil)
        }
        defer { PQclear(result) }
        return Self.rows(from: result)
    }

    /// Escapes `identifier` for use as an SQL identifier (adds double quotes), e.g. for CREATE DATABASE.
    public func escapeIdentifier(_ identifier: String) throws -> String {
        let handle = try requireHandle()
        try checkNoNUL(identifier, what: "identifier")
        guard let escaped = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            throw PostgresError(code: .invalidArgument, message: "cannot escape identifier: \(lastErrorMessage())")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Escapes `literal` as an SQL string literal (adds single quotes). Prefer parameters where possible;
    /// this is for utility statements that take none (SET, CREATE ROLE … PASSWORD).
    public func escapeLiteral(_ literal: String) throws -> String {
        let handle = try requireHandle()
        try checkNoNUL(literal, what: "literal")
        guard let escaped = PQescapeLiteral(handle, literal, literal.utf8.count) else {
            throw PostgresError(code: .invalidArgument, message: "cannot escape literal: \(lastErrorMessage())")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// Reads every result of the query just sent. Returns the last successful one (caller clears it),
    /// or throws the first error after draining the rest, so the connection is ready for the next call.
    func collectResults(_ handle: OpaquePointer) throws -> OpaquePointer? {
        var last: OpaquePointer?
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
                if let last { PQclear(last) }
                last = result
            case PGRES_COPY_IN:
                PQclear(result)
                // A COPY FROM STDIN reached query/execute: end it so the connection is not stuck.
                _ = PQputCopyEnd(handle, "COPY FROM STDIN is only supported through copyIn")
                failure = failure ?? PostgresError(code: .unexpectedResult, message: "COPY FROM STDIN must use copyIn(_:body:)")
            case PGRES_COPY_OUT:
                PQclear(result)
                var buffer: UnsafeMutablePointer<CChar>?
                while PQgetCopyData(handle, &buffer, 0) > 0 { PQfreemem(buffer) }
                failure = failure ?? PostgresError(code: .unexpectedResult, message: "COPY TO STDOUT is not supported")
            default:
                failure = failure ?? error(from: result, code: .queryFailed)
                PQclear(result)
            }
        }
        if let failure {
            if let last { PQclear(last) }
            throw failure
        }
        if PQstatus(handle) != CONNECTION_OK {
            if let last { PQclear(last) }
            throw PostgresError(code: .connectionLost, message: lastErrorMessage())
        }
        return last
    }

    /// A `PostgresError` from an error PGresult; `.connectionLost` when the connection went down with it.
    func error(from result: OpaquePointer, code: PostgresError.Code) -> PostgresError {
        let fields = ResultFields(result)
        let lost = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        let message = fields.message ?? OneLine.collapse(String(cString: PQresultErrorMessage(result)))
        return PostgresError(
            code: lost ? .connectionLost : code,
            message: message.isEmpty ? lastErrorMessage() : message,
            sqlState: fields.sqlState,
            severity: fields.severity,
            detail: fields.detail,
            hint: fields.hint,
            context: fields.context,
            position: fields.position
        )
    }

    /// The error for a send call that returned 0: the connection is broken or the call was misused.
    func sendFailure() -> PostgresError {
        let lost = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PostgresError(code: lost ? .connectionLost : .queryFailed, message: lastErrorMessage())
    }

    func checkNoNUL(_ text: String, what: String) throws {
        // libpq takes C strings: a NUL would silently truncate the statement or value.
        if text.utf8.contains(0) {
            throw PostgresError(code: .invalidArgument, message: "\(what) contains a NUL byte, which PostgreSQL text cannot hold")
        }
    }

    static func rows(from result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let tuples = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        return PostgresRows(columns: columns, rows: rows, commandTag: tag, affectedRows: Int(tuples))
    }
}

/// Calls `body` with an array of C strings where nil stays a NULL pointer (SQL NULL for PQexecParams).
func withNullableCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    if strings.isEmpty { return body(nil) }
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

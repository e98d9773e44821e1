extension PostgresConnection {
    /// Runs `body` between BEGIN and COMMIT; any error thrown rolls back and is rethrown.
    ///
    /// If the body caught a statement error itself, the transaction is already aborted and COMMIT would
    /// silently roll back; this is detected, rolled back, and reported as `.transactionAborted`.
    @discardableResult
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            rollbackQuietly()
            throw error
        }
        if isTransactionFailed {
            rollbackQuietly()
            throw PostgresError(
                code: .transactionAborted,
                message: "the transaction was aborted by an earlier statement error and has been rolled back"
            )
        }
        try execute("COMMIT")
        return value
    }

    /// ROLLBACK, ignoring failure: used on error paths where the original error is the one to report
    /// (and where the connection may already be gone).
    func rollbackQuietly() {
        guard isConnected else { return }
        try? execute("ROLLBACK")
    }
}

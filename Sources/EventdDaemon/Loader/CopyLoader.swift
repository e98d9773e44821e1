import EventdCore
import EventdPostgres
import Logging

/// Writes batches of encoded rows into PostgreSQL with COPY, exactly once.
///
/// The fast path is one transaction per cut: `COPY analytics.events` with every batch's rows, then
/// `COPY analytics.rejected_events` with the refusals that came with them, then COMMIT. Two rarer
/// paths keep the promises that the fast path cannot:
/// - **Duplicates** (SQLSTATE 23505: a sender's resend, or our own retry after a commit whose reply
///   was lost): the rows go through a session-local staging table and
///   `INSERT … ON CONFLICT DO NOTHING`, so the same event id lands once.
/// - **Poison rows** (a row the server refuses, e.g. a value a constraint rejects): the cut is split
///   in halves until the refused rows stand alone; they go to the dead-letter table with the
///   server's message and every other row lands.
/// - **Conflicts with a concurrent COPY** (SQLSTATE 40P01/40001: two cuts on two connections holding the
///   same event ids in different orders deadlock, and PostgreSQL aborts one): the aborted part is run
///   again through the staging path; the other cut's rows are duplicates by then. Never dead-lettered.
/// Connection failures are thrown to the caller, which reconnects and retries the same cut.
/// Which of these paths a cut takes is decided by `CopyStateMachine`; this class runs its actions.
///
/// Not thread-safe: owned by the loader thread.
final class CopyLoader {
    private let connect: () throws -> PostgresConnection
    private let logger: Logger
    /// `loader.copy_format`. With `.binary` each selection is re-encoded as it is sent, `binaryChunkBytes`
    /// at a time through `binaryChunk`; a selection that cannot be (not our encoder's text) goes as text.
    private let format: CopyFormat
    /// Binary COPY bytes handed to libpq at a time. The whole cut is never materialised: a retry, the
    /// staging path and each half of a bisection encode again from the cut's text rows, which the cut
    /// keeps anyway (its senders are told only after COMMIT).
    private let binaryChunkBytes: Int
    /// Holds one chunk (plus the row that crossed `binaryChunkBytes`); reused for every COPY, and given
    /// back to 64 KiB after each if a huge row grew it.
    private let binaryChunk = RowBuffer(initialCapacity: 64 * 1024)
    private var connection: PostgresConnection?
    private var stagingReady = false
    /// Reused for every cut (`UntimedEventKeys`): no allocation in steady state.
    private var untimedKeys = UntimedEventKeys()
    /// Deadlocks with a concurrent COPY retried within one `load` before giving the cut back.
    static let conflictRetries = 8

    /// `format` is stated by every owner (daemon, `eventd import`, `eventd spool --replay`): each follows
    /// `loader.copy_format`, so the one-off commands load as fast as the live path.
    /// `binaryChunkBytes` is for tests (a stream cut into many chunks by a few rows).
    init(logger: Logger, format: CopyFormat, binaryChunkBytes: Int = CopyInWriter.maxChunk,
         connect: @escaping () throws -> PostgresConnection) {
        self.logger = logger
        self.format = format
        self.binaryChunkBytes = binaryChunkBytes
        self.connect = connect
    }

    var isConnected: Bool { connection?.isConnected ?? false }

    /// `host:port` of the open connection: with a multi-host URL, the host libpq chose.
    var server: String? {
        guard let connection, connection.isConnected else { return nil }
        return "\(connection.host ?? "?"):\(connection.port ?? "?")"
    }

    /// Opens the connection if there is none; throws the connection error otherwise.
    func connectIfNeeded() throws -> PostgresConnection {
        if let connection, connection.isConnected { return connection }
        connection = nil
        stagingReady = false
        let fresh = try connect()
        connection = fresh
        return fresh
    }

    func disconnect() {
        connection?.close()
        connection = nil
        stagingReady = false
    }

    /// Loads the rows of `batches`; on return every row is committed, a duplicate of a committed
    /// row, or refused by the server and recorded in the dead-letter table.
    ///
    /// The path through fast COPY, staging, bisection and dead letter is `CopyStateMachine`'s; this
    /// method only carries out its actions and tells it how each one went.
    ///
    /// - Throws: `PostgresError` when the connection failed; nothing is known to be committed and the
    ///   caller retries the same batches on a new connection (duplicates are then absorbed).
    func load(_ batches: [IngestBatch]) throws -> LoadReport {
        let connection = try connectIfNeeded()
        let all = RowSelection.all(of: batches)
        var machine = CopyStateMachine(all: all, hasRejections: all.hasRejections, conflictRetries: Self.conflictRetries)
        var refused: [RefusedRow] = []
        var lastError: PostgresError?
        var action = machine.start()
        while true {
            switch action {
            case .copyFast(let selection), .copyViaStaging(let selection):
                let viaStaging = if case .copyViaStaging = action { true } else { false }
                do {
                    let landed = try copyInTransaction(
                        connection, selection, includeRejections: !viaStaging, viaStaging: viaStaging, binary: format == .binary)
                    action = machine.copyCommitted(landed: landed)
                } catch let error as PostgresError {
                    lastError = error
                    let failure = try rollbackOrDisconnect(connection, after: error)
                    if !viaStaging { logLeavingFastPath(failure, error: error, rows: all.rowCount) }
                    action = machine.copyFailed(failure)
                }
            case .writeRejections:
                try prepareStaging(connection)
                try connection.transaction { connection in try writeRejections(connection, of: batches) }
                action = machine.rejectionsWritten()
            case .deadLetter(let selection):
                guard let row = selection.rows.first, let error = lastError else {
                    preconditionFailure("dead letter without a refused row")
                }
                refused.append(RefusedRow(row: row, error: error))
                try deadLetter(connection, row: row, in: batches, error: error)
                action = machine.deadLettered()
            case .finish(let inserted, let duplicates):
                return LoadReport(inserted: inserted, duplicates: duplicates, refused: refused)
            case .fail(let disconnect):
                if disconnect { self.disconnect() }
                guard let lastError else { preconditionFailure("a failed load without an error") }
                throw lastError
            }
        }
    }

    private func logLeavingFastPath(_ failure: CopyStateMachine<RowSelection>.Failure, error: PostgresError, rows: Int) {
        switch failure {
        case .lostRace:
            logger.info("COPY lost a race with a concurrent COPY; loading the batch again through staging", metadata: [
                LogKey.error: "\(error)", LogKey.rows: "\(rows)",
            ])
        case .refused:
            logger.warning("COPY refused a batch; isolating the refused rows", metadata: [
                LogKey.error: "\(error)", LogKey.rows: "\(rows)",
            ])
        case .duplicate, .connectionLost:
            break
        }
    }

    /// One transaction: COPY the selected rows (straight into analytics.events, or into the staging
    /// table and then INSERT … ON CONFLICT DO NOTHING), optionally the rejections, COMMIT.
    /// - Parameter binary: send binary COPY; a row the binary encoder cannot read, found part-way, aborts
    ///   that COPY, rolls back and sends the selection again as text.
    /// - Returns: the rows that landed in analytics.events.
    private func copyInTransaction(
        _ connection: PostgresConnection, _ selection: RowSelection, includeRejections: Bool, viaStaging: Bool, binary: Bool
    ) throws -> Int {
        let withRejections = includeRejections && selection.hasRejections
        // Outside the transaction: a rollback would otherwise take the staging tables with it.
        if viaStaging || withRejections { try prepareStaging(connection) }
        try connection.execute("BEGIN")
        let target = EventColumns.copyStatement(staging: viaStaging, binary: binary)
        let copied: Int
        do {
            copied = try connection.copyIn(target) { writer in
                guard binary else { return try selection.write(to: writer) }
                let encoded = try selection.encodeBinary(into: binaryChunk, chunkBytes: binaryChunkBytes) { chunk in
                    try chunk.withUnsafeBytes { try writer.write($0) }
                }
                if !encoded { throw NotBinaryReadable() }
            }
        } catch is NotBinaryReadable {
            try connection.execute("ROLLBACK")
            return try copyInTransaction(
                connection, selection, includeRejections: includeRejections, viaStaging: viaStaging, binary: false)
        }
        if binary { binaryChunk.removeAll(keepingCapacity: false) }
        var landed = copied
        if viaStaging {
            landed = try connection.query(EventColumns.insertFromStaging).affectedRows ?? 0
        } else {
            // A resend without a timestamp has a new original_timestamp, so only this COPY sees it
            // (23505 -> the staging path, which skips it).
            untimedKeys.removeAll()
            selection.forEachRow { untimedKeys.appendIfUntimed(row: $0) }
            if !untimedKeys.isEmpty {
                _ = try connection.copyIn(EventColumns.untimedCopyStatement) { writer in
                    try untimedKeys.bytes.withUnsafeBytes { try writer.write($0) }
                }
            }
        }
        if withRejections { try writeRejections(connection, of: selection.batches) }
        try connection.execute("COMMIT")
        return landed
    }

    /// Inside a transaction: every refusal row of `batches`, each at most once (`RejectedEventColumns`).
    private func writeRejections(_ connection: PostgresConnection, of batches: [IngestBatch]) throws {
        try connection.copyIn(RejectedEventColumns.stagingCopyStatement) { writer in
            for batch in batches { try batch.rejections.withUnsafeBytes { try writer.write($0) } }
        }
        _ = try connection.query(RejectedEventColumns.insertFromStaging)
    }

    /// Session-local tables shaped like analytics.events and the refusal columns, emptied at each commit.
    private func prepareStaging(_ connection: PostgresConnection) throws {
        guard !stagingReady else { return }
        try connection.execute(EventColumns.createStaging)
        try connection.execute(RejectedEventColumns.createStaging)
        stagingReady = true
    }

    private func deadLetter(_ connection: PostgresConnection, row: RowSelection.Row, in batches: [IngestBatch], error: PostgresError) throws {
        let raw = batches[row.batch].events.withUnsafeBytes { bytes in Array(bytes[row.range]) }
        // The transport is the row's own 14th column (see CopyRowEncoder.eventsColumnList).
        let columns = raw.split(separator: 0x09, omittingEmptySubsequences: false)
        let transport = columns.count > 13 ? String(decoding: columns[13], as: UTF8.self) : "sql"
        // Keyed by the event's identity, so a retried or replayed cut does not dead-letter it twice.
        let rejectionID = RejectionID.forDatabaseRefusal(eventRow: raw)
        try connection.query(
            RejectedEventColumns.insertDatabaseRefusal,
            [transport, error.description, Array(raw.prefix(CopyRowEncoder.maxRawBytes)).hexEncoded, String(raw.count),
             rejectionID.description]
        )
        logger.warning("PostgreSQL refused an event; it is in analytics.rejected_events", metadata: [
            LogKey.error: "\(error)",
        ])
    }

    /// After a failed statement the transaction must be rolled back; if even that fails, the
    /// connection is gone. - Returns: what the failure means for the cut (`CopyStateMachine.Failure`).
    private func rollbackOrDisconnect(
        _ connection: PostgresConnection, after error: PostgresError
    ) throws -> CopyStateMachine<RowSelection>.Failure {
        if error.isConnectionProblem { return .connectionLost }
        do {
            try connection.execute("ROLLBACK")
        } catch let rollbackError as PostgresError {
            disconnect()
            throw rollbackError
        }
        if error.isTransientConflict { return .lostRace }
        return error.sqlState == SQLState.uniqueViolation ? .duplicate : .refused
    }
}

/// Thrown inside a binary COPY's body when a row is not one `BinaryCopyEncoder` reads: the COPY is
/// aborted and the selection goes again as text.
private struct NotBinaryReadable: Error, CustomStringConvertible {
    var description: String { "a row is not one the binary COPY encoder reads; sending the rows as text" }
}

/// What a `CopyLoader.load` did with the rows it was given.
struct LoadReport: Sendable {
    /// Rows that landed in analytics.events.
    var inserted: Int
    /// Rows whose event id was already stored: the sender sees them as accepted.
    var duplicates: Int
    /// Rows the server refused; each is in analytics.rejected_events.
    var refused: [RefusedRow]
}

extension LoadReport {
    /// Every row the load accounted for.
    var rowCount: Int { inserted + duplicates + refused.count }
}

struct RefusedRow: Sendable {
    let row: RowSelection.Row
    let error: PostgresError
}

extension Array where Element == UInt8 {
    var hexEncoded: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

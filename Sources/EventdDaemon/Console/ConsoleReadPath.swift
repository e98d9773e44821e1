import EventdPostgres
import NIOConcurrencyHelpers
import NIOPosix

/// The console's way to PostgreSQL (`database.read_url`, else the write `url`): one connection on one
/// thread of its own, never the loader's, so a slow or unreachable read server costs the console a
/// page and ingest nothing. Every session is read-only (`default_transaction_read_only`) and bounded
/// (`statement_timeout`); at most `maxWaiting` page requests queue for it, more are told it is busy.
/// After a failed connect it waits `retryAfter` before trying again and answers with the remembered
/// reason meanwhile, so a down server is not hammered by page refreshes.
public final class ConsoleReadPath: @unchecked Sendable {
    /// Why a read could not be made; shown on the page as it is.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    static let maxWaiting = 4
    static let retryAfter: Duration = .seconds(5)
    /// A console page should say "unreachable" quickly rather than wait libpq's 10 s default.
    static let connectTimeoutSeconds = 3

    private let url: String?
    private let applicationName: String
    private let statementTimeout: Duration
    private let threads = NIOThreadPool(numberOfThreads: 1)
    private let waiting = NIOLockedValueBox(0)
    private let started = NIOLockedValueBox(false)
    // Only touched on the pool's one thread.
    private var connection: PostgresConnection?
    private var lastFailure: (at: ContinuousClock.Instant, reason: String)?

    public init(url: String?, applicationName: String, statementTimeout: Duration) {
        self.url = url
        self.applicationName = applicationName
        self.statementTimeout = statementTimeout
    }

    /// Runs `body` on the read connection, connecting first when needed.
    public func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws(Failure) -> T {
        startIfNeeded()
        let admitted = waiting.withLockedValue { count in
            guard count < Self.maxWaiting else { return false }
            count += 1
            return true
        }
        guard admitted else { throw Failure(description: "the console's database connection is busy; try again") }
        defer { waiting.withLockedValue { $0 -= 1 } }
        do {
            return try await threads.runIfActive { [self] in try withConnection(body) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// Closes the connection and stops the thread (the console's service calls it on shutdown).
    func shutdown() async {
        guard started.withLockedValue({ $0 }) else { return }
        _ = try? await threads.runIfActive { [self] in
            connection?.close()
            connection = nil
        }
        try? await threads.shutdownGracefully()
    }

    private func startIfNeeded() {
        started.withLockedValue { started in
            if !started {
                threads.start()
                started = true
            }
        }
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try connected()
        do {
            return try body(connection)
        } catch let error as PostgresError {
            if error.isConnectionProblem || !connection.isConnected {
                connection.close()
                self.connection = nil
            }
            throw Failure(description: Self.sentence(for: error))
        }
    }

    private func connected() throws(Failure) -> PostgresConnection {
        if let connection, connection.isConnected { return connection }
        connection = nil
        if let lastFailure, ContinuousClock.now - lastFailure.at < Self.retryAfter {
            throw Failure(description: lastFailure.reason)
        }
        do {
            let fresh = try PostgresConnection.connect(
                url: url, applicationName: applicationName,
                overrides: ["connect_timeout": String(Self.connectTimeoutSeconds)])
            try fresh.execute("SET default_transaction_read_only = on; SET statement_timeout = \(max(1, Int(statementTimeout.milliseconds)))")
            connection = fresh
            lastFailure = nil
            return fresh
        } catch {
            let reason = "PostgreSQL is unreachable for the console: \(error)"
            lastFailure = (ContinuousClock.now, reason)
            throw Failure(description: reason)
        }
    }

    static func sentence(for error: PostgresError) -> String {
        switch error.sqlState {
        case "57014": "the query took longer than console.statement_timeout and was cancelled"
        case "42501": "the read role may not read this (grant it eventd_console): \(error.message)"
        default: "\(error)"
        }
    }
}

extension Duration {
    /// For the console's "SQL took" lines.
    var milliseconds: Double { Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15 }
}

import Synchronization

/// Liveness and readiness as the admin endpoints report them. Written by the loader and the
/// sources, read by `/readyz` and sd_notify's STATUS; lock-free so the hot paths never wait on it.
public final class DaemonHealth: Sendable {
    private let databaseConnected = Atomic<Bool>(false)
    private let openListeners = Atomic<Int>(0)
    private let expectedListeners = Atomic<Int>(0)
    private let committedRows = Atomic<Int>(0)
    private let duplicateRows = Atomic<Int>(0)
    /// `host:port` of the PostgreSQL the loader last committed to: after a failover, the new primary.
    private let server = Mutex<String?>(nil)

    public init() {}

    var isDatabaseConnected: Bool { databaseConnected.load(ordering: .relaxed) }
    func setDatabaseConnected(_ value: Bool) { databaseConnected.store(value, ordering: .relaxed) }

    /// The PostgreSQL server (`host:port`) the loader commits to, once it has committed.
    public var databaseServer: String? { server.withLock { $0 } }
    /// Records the server in use; returns the previous one when it changed (nil otherwise).
    func setDatabaseServer(_ value: String) -> (changed: Bool, previous: String?) {
        server.withLock { current in
            defer { current = value }
            return (current != value, current)
        }
    }

    func expectListener() { expectedListeners.add(1, ordering: .relaxed) }
    func listenerOpened() { openListeners.add(1, ordering: .relaxed) }
    func listenerClosed() { openListeners.subtract(1, ordering: .relaxed) }
    var openListenerCount: Int { openListeners.load(ordering: .relaxed) }

    /// Counts a committed COPY batch, for sd_notify's STATUS line (metrics backends are write-only).
    func recordCommitted(inserted: Int, duplicates: Int) {
        committedRows.add(inserted, ordering: .relaxed)
        duplicateRows.add(duplicates, ordering: .relaxed)
    }

    /// Rows committed and duplicate rows skipped since start.
    public var committed: (inserted: Int, duplicates: Int) {
        (committedRows.load(ordering: .relaxed), duplicateRows.load(ordering: .relaxed))
    }

    /// Ready means: every configured listener is bound and the loader holds a live connection.
    /// When not ready, the reason says which part is missing.
    public var readiness: (ready: Bool, reason: String) {
        if !isDatabaseConnected { return (false, "PostgreSQL is not connected") }
        let open = openListeners.load(ordering: .relaxed)
        let expected = expectedListeners.load(ordering: .relaxed)
        if open < expected { return (false, "\(open) of \(expected) listeners are open") }
        return (true, databaseServer.map { "ready (PostgreSQL at \($0))" } ?? "ready")
    }
}

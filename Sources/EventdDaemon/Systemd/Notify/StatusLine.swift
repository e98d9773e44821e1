/// The one-line `STATUS=` systemd shows under `systemctl status eventd`: readiness and live counts.
/// A plain value, so its wording is tested without a socket.
struct StatusLine: Sendable, Equatable {
    var ready: Bool
    /// Why not ready (`DaemonHealth.readiness.reason`); ignored when ready.
    var reason: String
    var openListeners: Int
    var committedRows: Int
    var duplicateRows: Int
    var ringBatches: Int

    init(health: DaemonHealth, ringBatches: Int) {
        let readiness = health.readiness
        ready = readiness.ready
        reason = readiness.reason
        openListeners = health.openListenerCount
        let committed = health.committed
        committedRows = committed.inserted
        duplicateRows = committed.duplicates
        self.ringBatches = ringBatches
    }

    /// e.g. `ready: 3 listeners, 120431 events committed (12 duplicates), ring 0 batches`
    var text: String {
        let state = ready ? "ready" : "not ready (\(reason))"
        let listeners = openListeners == 1 ? "1 listener" : "\(openListeners) listeners"
        return "\(state): \(listeners), \(committedRows) events committed (\(duplicateRows) duplicates), ring \(ringBatches) batches"
    }
}

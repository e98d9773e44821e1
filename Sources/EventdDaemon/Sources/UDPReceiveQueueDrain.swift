/// At shutdown, before the UDP source closes its socket. Datagrams already in the kernel's receive
/// queue have reached this host; closing the socket would throw them away, and nothing would count
/// them. So the socket stays open, and the event loop keeps reading, until the queue is read empty —
/// or, when senders keep it full (a flood), until `timeout`.
///
/// Not for a socket from systemd (`eventd.socket`): closing eventd's descriptor leaves systemd's open,
/// and its queue waits there for the next eventd.
struct UDPReceiveQueueDrain: Sendable {
    /// The receive-queue memory of eventd's socket (0: empty); nil when it cannot be read.
    let queuedBytes: @Sendable () -> UInt64?
    var timeout: Duration = .seconds(1)
    var pollInterval: Duration = .milliseconds(5)

    /// Waits until the queue is empty and returns 0, or returns the bytes still queued when `timeout`
    /// passes or the task is cancelled; nil at once when the queue cannot be read (not Linux).
    func run() async -> UInt64? {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let queued = queuedBytes() else { return nil }
            if queued == 0 || ContinuousClock.now >= deadline || Task.isCancelled { return queued }
            try? await Task.sleep(for: pollInterval)
        }
    }
}

import EventdCore
import Foundation

/// One COPY connection of the loader, on a thread of its own: it commits a cut that the loader thread
/// hands over while the loader thread goes on popping the ring and cutting the next one.
/// `loader.connections = N` (N > 1) makes N lanes; `StreamScaler` decides how many are in use.
///
/// Why: under sustained load the limit is one PostgreSQL backend parsing COPY rows and updating
/// indexes, ~0.95 of a core, while eventd's own work is ~1.4 µs per event. A second COPY in flight
/// lets PostgreSQL use another core (Benchmarks/RESULTS.md).
///
/// A lane only loads. A cut it fails to load (the connection broke, PostgreSQL is away) is handed back
/// untouched — its senders not yet told — and the loader thread takes it through its usual retry,
/// spool and drain policy, which stays on that one thread. So the lane needs no outage bookkeeping,
/// and a cut is never retried in two places.
final class CopyLane: @unchecked Sendable {
    /// What a lane does with a cut; true when it landed (and its senders were told), false to hand it back.
    typealias Work = @Sendable (_ batches: [IngestBatch], _ sink: any CutSink) -> Bool

    private enum Phase {
        case idle, assigned, running, stopped
    }

    let name: String
    private let sink: any CutSink
    private let work: Work
    private let onIdle: @Sendable () -> Void
    /// Guards `phase`, `cut`, `stopRequested`, `releaseRequested` and `handedBack`; broadcast on every phase change.
    private let condition = NSCondition()
    private var phase = Phase.idle
    private var cut: [IngestBatch]?
    private var stopRequested = false
    /// The loader gave this stream back (`StreamScaler`): close the connection once the cut is done.
    private var releaseRequested = false
    private var handedBack: [[IngestBatch]] = []

    /// - Parameters:
    ///   - work: loads a cut on this lane's connection (run on the lane's thread).
    ///   - onIdle: called on the lane's thread each time it finishes a cut, so the loader thread can
    ///     hand it the next one (it wakes the loader's wait on the ring).
    init(name: String, sink: any CutSink, work: @escaping Work, onIdle: @escaping @Sendable () -> Void) {
        self.name = name
        self.sink = sink
        self.work = work
        self.onIdle = onIdle
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Whether the lane can take a cut now. Loader thread only (the only one that assigns cuts).
    var isIdle: Bool {
        condition.lock()
        defer { condition.unlock() }
        return phase == .idle
    }

    /// Hands `batches` to the lane. Loader thread only, and only while `isIdle`.
    func assign(_ batches: [IngestBatch]) {
        condition.lock()
        defer { condition.unlock() }
        precondition(phase == .idle, "a COPY lane takes one cut at a time")
        cut = batches
        enter(.assigned)
    }

    /// Cuts the lane could not load, oldest first; the caller now owns them.
    func takeHandedBack() -> [[IngestBatch]] {
        condition.lock()
        defer { condition.unlock() }
        let cuts = handedBack
        handedBack.removeAll()
        return cuts
    }

    /// Blocks until the lane's current cut (if any) is done.
    func waitUntilIdle() {
        condition.lock()
        defer { condition.unlock() }
        wait(for: .idle)
    }

    /// Closes the lane's connection once its current cut (if any) is done: the loader stopped using
    /// this stream, and an idle connection still holds a PostgreSQL backend. Loader thread only; the
    /// lane opens a new connection if it is given a cut again.
    func release() {
        condition.lock()
        defer { condition.unlock() }
        releaseRequested = true
        if phase == .idle { enter(.assigned) }
    }

    /// Lets the current cut finish, closes the lane's connection and ends its thread; returns once it has.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        wait(for: .idle)
        stopRequested = true
        enter(.assigned)
        wait(for: .stopped)
    }

    private func run() {
        while true {
            condition.lock()
            wait(for: .assigned)
            if stopRequested {
                condition.unlock()
                sink.disconnect()
                condition.lock()
                enter(.stopped)
                condition.unlock()
                return
            }
            let batches = cut
            cut = nil
            enter(.running)
            condition.unlock()

            // No cut: woken only to give the connection back (`release`).
            let landed = batches.map { work($0, sink) } ?? true

            condition.lock()
            if !landed, let batches { handedBack.append(batches) }
            let release = releaseRequested
            releaseRequested = false
            condition.unlock()
            if release { sink.disconnect() }
            condition.lock()
            enter(.idle)
            condition.unlock()
            onIdle()
        }
    }

    /// With `condition` held.
    private func enter(_ next: Phase) {
        phase = next
        condition.broadcast()
    }

    /// With `condition` held.
    private func wait(for wanted: Phase) {
        while phase != wanted { condition.wait() }
    }
}

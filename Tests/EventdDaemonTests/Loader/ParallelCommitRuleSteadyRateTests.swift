@testable import EventdDaemon
import Testing

/// A steady UDP sender against two COPY streams, in simulated time (no threads, no server): the
/// quiet-box udp-half phase that made one commit per datagram (Benchmarks/RESULTS.md, "UDP's half-load
/// p99"). A commit costs what that run measured: ~0.8 ms of a stream plus ~22 µs per row; the two
/// streams do not slow each other. The loader is reduced to its decision: at every arrival, commit end
/// or deadline, a due cut commits now, keeps collecting or waits for a stream.
@Suite struct ParallelCommitRuleSteadyRateTests {
    struct Outcome {
        var commits = 0
        var worstLatency = Duration.zero
    }

    static func commitCost(rows: Int) -> Duration { .microseconds(800) + .microseconds(22) * rows }

    /// `rule: nil` is the loader before the rule: any idle stream takes the cut at once.
    static func simulate(rule: ParallelCommitRule?, datagrams: Int, gap: Duration, rowsPerDatagram: Int = 50) -> Outcome {
        let start = ContinuousClock.now
        func arrival(_ index: Int) -> ContinuousClock.Instant { start + gap * index }
        var outcome = Outcome()
        var now = start
        var next = 0
        var landed = 0
        var pending: [ContinuousClock.Instant] = []  // arrival of each datagram in the open cut
        var busyUntil: [ContinuousClock.Instant?] = [nil, nil]
        var inFlight: [[ContinuousClock.Instant]] = [[], []]
        while landed < datagrams {
            for stream in 0..<2 {
                guard let end = busyUntil[stream], end <= now else { continue }
                for arrived in inFlight[stream] { outcome.worstLatency = max(outcome.worstLatency, end - arrived) }
                landed += inFlight[stream].count
                inFlight[stream] = []
                busyUntil[stream] = nil
            }
            while next < datagrams, arrival(next) <= now {
                pending.append(arrival(next))
                next += 1
            }
            var deadline: ContinuousClock.Instant?
            if let openedAt = pending.first {
                let busy = busyUntil.compactMap { $0 }.count
                let rows = pending.count * rowsPerDatagram
                let decision = rule?.decide(rows: rows, openedAt: openedAt, now: now, busyStreams: busy, idleStreams: 2 - busy)
                    ?? (busy < 2 ? .commitNow : .waitForStream)
                switch decision {
                case .commitNow:
                    let stream = busyUntil.firstIndex { $0 == nil }!
                    busyUntil[stream] = now + commitCost(rows: rows)
                    inFlight[stream] = pending
                    pending = []
                    outcome.commits += 1
                    continue
                case .collect(let until):
                    deadline = until
                case .waitForStream:
                    break
                }
            }
            // Nothing left to happen: the last commit has just ended.
            guard let earliest = ([next < datagrams ? arrival(next) : nil, deadline] + busyUntil).compactMap({ $0 }).min()
            else { break }
            now = earliest
        }
        return outcome
    }

    /// 35.7k events/s in datagrams of 50: before the rule every datagram was a commit of its own, on
    /// alternating streams; with it one stream commits what queued meanwhile.
    @Test func aSteadyHalfLoadNoLongerCommitsEveryDatagramAlone() {
        let datagrams = 714  // one second
        let before = Self.simulate(rule: nil, datagrams: datagrams, gap: .microseconds(1_400))
        let after = Self.simulate(rule: ParallelCommitRule(), datagrams: datagrams, gap: .microseconds(1_400))
        #expect(before.commits == datagrams, "the commit storm: one commit per datagram")
        #expect(after.commits * 2 < datagrams, "\(after.commits) commits")
        #expect(after.worstLatency <= .milliseconds(10), "\(after.worstLatency): far under the 50 ms target")
    }

    /// A trickle (a datagram every 10 ms) finds no COPY in flight: each commits at once, alone, as
    /// before (group commit: no timer while PostgreSQL is idle).
    @Test func aTrickleStillCommitsEachDatagramAtOnce() {
        let outcome = Self.simulate(rule: ParallelCommitRule(), datagrams: 100, gap: .milliseconds(10))
        #expect(outcome.commits == 100)
        #expect(outcome.worstLatency == Self.commitCost(rows: 50))
    }

    /// Faster than one stream can commit (a datagram every 0.8 ms, 62.5k events/s: 1.4 s of one stream's
    /// row cost per second): the cuts pass `minRows` and both streams work, so the backlog stays bounded.
    @Test func aRateOneStreamCannotCarryStillUsesBothStreams() {
        let outcome = Self.simulate(rule: ParallelCommitRule(), datagrams: 2_000, gap: .microseconds(800))
        #expect(outcome.worstLatency <= .milliseconds(50), "\(outcome.worstLatency): the backlog does not grow")
    }
}

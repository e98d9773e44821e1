/// Whether a due cut (`BatchCutter.isDue`: the ring has nothing more to give) is handed to a COPY
/// stream now, while another stream's COPY is in flight, or keeps collecting rows until that COPY
/// commits. A plain value with the clock passed in, so the rule is table-tested (`ParallelCommitRuleTests`).
///
/// - No stream busy: commit now. Group commit stays: a lone sender waiting for its ack or `200` never
///   waits for a timer while PostgreSQL is idle.
/// - Every stream in use busy: the cut waits for the first to finish (rows waiting for a stream, which
///   `StreamScaler` counts).
/// - One busy and another idle: commit beside it only once the cut is worth a commit of its own: it
///   holds `minRows`, or its first row has waited `maxWait`. Until then the cut keeps growing, and the
///   busy stream finishing (a lane wakes the loader) makes it a lone commit again.
///
/// Why: at a moderate, steady rate an idle lane took every datagram's or line's rows the moment they
/// arrived, so two streams ran back-to-back commits of one datagram each. In the quiet-box run of
/// 2026-12-05 udp-half (35.7k events/s, 50 per datagram) made 6,874 commits of 52 rows on 2 streams,
/// 25.7 µs of PostgreSQL CPU per row against 19.5 for `psql \copy` (tcp-half, 111 rows a cut: 22.8),
/// a WAL flush per datagram, and the scaler never gave the second stream back since the small commits
/// kept both "busy" (Benchmarks/RESULTS.md, "UDP's half-load p99"). A commit costs ~0.8 ms of a
/// stream besides ~22 µs per row; at 200 rows the fixed part is under a fifth of the cut.
/// Under overload the cut fills (`BatchCutter.isFull`) and goes to the first idle stream as before; a
/// backlog after a stall passes `minRows` at once, so catching up still uses every stream.
struct ParallelCommitRule: Sendable, Equatable {
    /// 200 rows: see above. Two datagrams of 50 events, two TCP lines of 100, any `/v1/batch` of 500.
    var minRows = 200
    /// 5 ms: the most a cut waits for a busy stream when fewer rows come, well under the 50 ms
    /// ingest → visible target; a stream whose COPY stalls longer gets help.
    var maxWait: Duration = .milliseconds(5)

    enum Decision: Equatable, Sendable {
        /// Hand the cut to a stream now.
        case commitNow
        /// Keep collecting: rows arriving or a stream finishing wake the loader earlier; commit at `until` at the latest.
        case collect(until: ContinuousClock.Instant)
        /// Every stream in use is busy: the cut waits for one (time rows wait for a stream).
        case waitForStream
    }

    /// - Parameters:
    ///   - rows: rows in the due cut.
    ///   - openedAt: when its first row was taken from the ring.
    ///   - busyStreams, idleStreams: the COPY streams in use; both 0 when the loader thread loads itself.
    func decide(rows: Int, openedAt: ContinuousClock.Instant, now: ContinuousClock.Instant,
                busyStreams: Int, idleStreams: Int) -> Decision {
        if idleStreams == 0, busyStreams > 0 { return .waitForStream }
        if busyStreams == 0 || rows >= minRows { return .commitNow }
        let until = openedAt + maxWait
        return now >= until ? .commitNow : .collect(until: until)
    }
}

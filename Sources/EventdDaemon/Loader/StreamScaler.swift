/// How many COPY streams the loader keeps in use, between one and `loader.connections`: a plain value
/// fed one sample per window (rows committed and time spent in COPY by the streams in use), so the
/// policy is table-tested without threads or a server (`StreamScalerTests`).
///
/// Why adaptive: one COPY keeps one PostgreSQL backend — about one core — busy; a second lets
/// PostgreSQL use another core when rows wait (issue 17: two parallel `psql \copy` reached ~1.6× one).
/// But a stream that does not add throughput only splits batches (more, smaller commits) and holds a
/// backend; so streams are opened on trial and kept only if they pay.
///
/// - **Open** when fewer than `maximum` are in use and rows waited: every stream in use was busy for
///   at least `busyToOpen` of the window, or rows waited for a free stream for at least `waitToOpen` of
///   it (`Sample.waiting`). The second rule is for senders that wait for their COMMIT (HTTP `200`, TCP
///   acks): there the rate is events in flight ÷ commit latency, so the streams idle between round
///   trips (busy < 80 %) while each request's rows still queue behind a busy stream — time a stream
///   more would take off every request's latency. After `trialWarmupWindows` (the new
///   stream's first cut: rows count when a cut commits, so right after opening the new stream has
///   committed nothing yet and the window would judge it on no rows), the next window is the trial.
/// - **Keep** a trial stream only if it added at least `minMarginalGain` of what one stream committed
///   per second before it opened; else **close** it and wait `holdWindows` before trying again
///   (hysteresis: no flapping between n and n + 1 on noise).
/// - **Close** one when, for `quietWindows` windows in a row, the work done would have kept one fewer
///   stream at most `busyToClose` busy and rows did not wait: the load fell, and fewer, larger commits
///   cost PostgreSQL less.
///
/// A stream opened because rows waited is judged like any other: kept only if rows/s rose, so one that
/// splits cuts without shortening the wait is given back when it stops paying.
///
/// - **Return** to `initial` streams without a trial or hold as soon as rows wait again after the quiet
///   rule went below it: a burst after an idle spell gets its starting streams within one window.
struct StreamScaler: Sendable {
    struct Policy: Sendable, Equatable {
        var maximum: Int
        /// Streams in use at start (at most `maximum`): 2, what a fixed `loader.connections = 2` ran
        /// before, so a burst at start is not held to one stream while the first windows pass.
        var initial = 2
        /// 2 s: rows are counted per committed cut (5,000 rows by default, ~0.3–1 s of one stream on the
        /// 2-core benchmark box), so a 1 s window saw 0–3 cuts and judged trials on that lumpiness; in the
        /// 2026-12-04 run with `loader.connections = 4` the loader stayed on one stream under overload,
        /// most likely for that (Benchmarks/RESULTS.md, "loader.connections 2 vs 4").
        var window: Duration = .seconds(2)
        var trialWarmupWindows = 1
        var busyToOpen = 0.8
        /// Open when rows waited for a free stream this share of the window, however busy the streams.
        /// 0.3: a third of the time a cut sat ready with every stream taken (the loader thread waited
        /// for a lane, or its own COPY held it while rows queued in the ring).
        var waitToOpen = 0.3
        var busyToClose = 0.5
        var minMarginalGain = 0.1
        var holdWindows = 10
        var quietWindows = 5
    }

    /// What the streams in use did during one window.
    struct Sample: Sendable, Equatable {
        /// Rows committed (inserted, duplicate or dead-lettered).
        var rows: Int
        /// Time spent loading, summed over the streams.
        var busy: Duration
        /// How long the window lasted (at least `policy.window`; longer when a COPY held the loader thread).
        var length: Duration
        /// Time during which rows were ready for a COPY and no stream could take them (the loader's
        /// cut waiting for a lane, or rows queueing while the loader thread loaded on its own
        /// connection); at most `length`, since one thread hands out the cuts.
        var waiting: Duration = .zero
    }

    enum Decision: Equatable, Sendable {
        case hold
        case open
        case close
    }

    let policy: Policy
    private(set) var active: Int
    /// Rows per second before the trial stream opened; `nil` when no trial runs.
    private var trialBaseline: Double?
    /// Windows still to pass before the trial is judged.
    private var warmupLeft = 0
    private var holdLeft = 0
    private var quietRun = 0

    init(policy: Policy) {
        precondition(policy.maximum >= 1, "at least one stream")
        self.policy = policy
        active = max(1, min(policy.initial, policy.maximum))
    }

    /// The window ended with `sample`; returns what to do with the number of streams (`active` has
    /// already changed accordingly).
    mutating func windowEnded(_ sample: Sample) -> Decision {
        let seconds = sample.length.seconds
        let rate = Double(sample.rows) / seconds
        let busyFraction = sample.busy.seconds / (seconds * Double(active))
        let rowsWaited = sample.waiting.seconds / seconds >= policy.waitToOpen

        if let baseline = trialBaseline {
            if warmupLeft > 0 {
                warmupLeft -= 1
                return .hold
            }
            trialBaseline = nil
            let perStreamBefore = baseline / Double(active - 1)
            if rate - baseline >= policy.minMarginalGain * perStreamBefore { return .hold }
            active -= 1
            holdLeft = policy.holdWindows
            return .close
        }
        let holding = holdLeft > 0
        if holding { holdLeft -= 1 }

        // Back up to `initial` at once when rows wait again, with no trial and no hold: the quiet rule
        // took streams below it because the load fell, and a load that returns is not made to prove
        // again what the starting streams are there for. On the quiet box (RESULTS.md, "after this
        // round's merges") a burst after an idle spell ran eight of its ten seconds on one stream.
        if active < min(policy.initial, policy.maximum), rowsWaited || busyFraction >= policy.busyToOpen {
            active += 1
            quietRun = 0
            holdLeft = 0
            return .open
        }

        if active > 1, !rowsWaited, sample.busy.seconds <= policy.busyToClose * seconds * Double(active - 1) {
            quietRun += 1
            if quietRun >= policy.quietWindows {
                quietRun = 0
                active -= 1
                return .close
            }
            return .hold
        }
        quietRun = 0

        if busyFraction >= policy.busyToOpen || rowsWaited, active < policy.maximum, !holding {
            trialBaseline = rate
            warmupLeft = policy.trialWarmupWindows
            active += 1
            return .open
        }
        return .hold
    }
}

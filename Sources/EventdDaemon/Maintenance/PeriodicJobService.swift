import EventdPostgres
import Foundation
import Logging
import ServiceLifecycle

/// Runs database jobs on their intervals, on a thread and a PostgreSQL connection of its own: libpq is
/// blocking, and a long rollup or retention pass must never hold up the loader's COPY connection.
///
/// Graceful shutdown (or cancellation) wakes the thread; a job already running finishes its
/// transaction first — every job is one transaction, so stopping between jobs loses nothing.
/// Failures are logged and retried with backoff, reconnecting if needed; they never stop the daemon.
public final class PeriodicJobService: Service, @unchecked Sendable {
    public struct Settings: Sendable {
        public var retryInitial: Duration
        public var retryMax: Duration
        public init(retryInitial: Duration = .seconds(1), retryMax: Duration = .seconds(60)) {
            self.retryInitial = retryInitial
            self.retryMax = retryMax
        }
    }

    let name: String
    let jobs: [PeriodicJob]
    private let settings: Settings
    private let logger: Logger
    private let connect: @Sendable () throws -> PostgresConnection
    private let observe: @Sendable (_ job: String, _ outcome: Result<Duration, any Error>) -> Void
    private let stop = StopSignal()
    private let clock = ContinuousClock()

    /// - Parameter observe: called after every job run (metrics); never on the hot path.
    public init(name: String, jobs: [PeriodicJob], settings: Settings = Settings(), logger: Logger,
                connect: @escaping @Sendable () throws -> PostgresConnection,
                observe: @escaping @Sendable (_ job: String, _ outcome: Result<Duration, any Error>) -> Void = { _, _ in }) {
        self.name = name
        self.jobs = jobs
        self.settings = settings
        self.logger = logger
        self.connect = connect
        self.observe = observe
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread { [self] in
                        self.loop()
                        done.resume()
                    }
                    thread.name = "eventd-\(name)"
                    thread.start()
                }
            } onGracefulShutdown: { [stop] in
                stop.stop()
            }
        } onCancel: { [stop] in
            stop.stop()
        }
    }

    // MARK: - The job thread

    private func loop() {
        var schedule = PeriodicSchedule(intervals: jobs.map(\.interval), cadences: jobs.map(\.cadence), start: clock.now)
        var backoff = Backoff(initial: settings.retryInitial, maximum: settings.retryMax)
        var connection: PostgresConnection?
        while !stop.isStopped {
            for index in schedule.due(at: clock.now) {
                if stop.isStopped { break }
                let job = jobs[index]
                let started = clock.now
                do {
                    let live = try connection ?? connect()
                    connection = live
                    let summary = try job.run(live)
                    let took = clock.now - started
                    logger.log(level: job.summaryLevel, "\(job.name): \(summary)")
                    observe(job.name, .success(took))
                    backoff.reset()
                    schedule.completed(index, started: started, at: clock.now)
                } catch {
                    observe(job.name, .failure(error))
                    let delay = backoff.nextDelay()
                    logger.warning("\(job.name) failed; retrying", metadata: [LogKey.error: "\(error)", LogKey.delay: "\(delay)"])
                    // A broken connection is replaced; a healthy one after an SQL error is kept.
                    let lost = (error as? PostgresError)?.isConnectionProblem ?? false
                    if let live = connection, lost || !live.isConnected {
                        live.close()
                        connection = nil
                    }
                    schedule.failed(index, at: clock.now, retryAfter: delay)
                }
            }
            let sleep = schedule.nextDeadline - clock.now
            if sleep > .zero, stop.wait(for: sleep) { break }
        }
        connection?.close()
        logger.info("\(name) stopped")
    }
}

import Logging

/// The loader's log lines about reaching PostgreSQL, summarised over an outage (`OutageLog`).
extension LoaderService {
    /// A failed attempt to reach or load into PostgreSQL while `activity` ("COPY", "start", "spool replay",
    /// "probe"); logged in full only at the start of an outage, then as a periodic count.
    func noteDatabaseFailure(_ error: any Error, during activity: String) {
        guard let line = outageLog.failed(at: clock.now) else { return }
        switch line {
        case .unreachable:
            logger.error("""
                PostgreSQL is unreachable; retrying with backoff (one line every \
                \(Int(outageLog.interval.seconds)) s while this lasts)
                """, metadata: [LogKey.error: "\(error)", LogKey.during: "\(activity)"])
        case .stillUnreachable(let attempts, let elapsed):
            logger.warning("PostgreSQL still unreachable after \(Self.wholeSeconds(elapsed)) s, \(attempts) attempts", metadata: [
                LogKey.error: "\(error)", LogKey.count: "\(attempts)",
            ])
        case .reachableAgain:
            break
        }
    }

    /// PostgreSQL answered; ends an outage with one line saying how long it lasted, then `resuming`.
    func noteDatabaseReachable(resuming: String) {
        guard case .reachableAgain(let attempts, let elapsed) = outageLog.succeeded(at: clock.now) else { return }
        logger.notice("""
            connected to PostgreSQL again after \(Self.wholeSeconds(elapsed)) s, \(attempts) failed attempts; \(resuming)
            """, metadata: [LogKey.count: "\(attempts)"])
    }

    /// The server the loader committed to; logged when it changes (start, and a failover to a new primary).
    func noteServer(_ server: String?) {
        guard let server else { return }
        let (changed, previous) = health.setDatabaseServer(server)
        guard changed else { return }
        metrics.recordPostgresServer(server, previous: previous)
        if let previous {
            logger.notice("loading into PostgreSQL at \(server) now (was \(previous))", metadata: [LogKey.address: "\(server)"])
        } else {
            logger.info("loading into PostgreSQL at \(server)", metadata: [LogKey.address: "\(server)"])
        }
    }

    private static func wholeSeconds(_ duration: Duration) -> Int { Int(duration.seconds.rounded()) }
}

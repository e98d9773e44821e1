import BenchSupport

#if canImport(Glibc)
import Glibc
#endif

/// What every worker is asked to do (per connection).
struct SendPlan: Sendable {
    var host: String
    var port: UInt16
    var batch: Int
    var window: Int
    /// Events per second for this connection; 0 = flat out.
    var ratePerConnection: Double
    /// Events for this connection; nil = send for `durationNs`.
    var eventsPerConnection: Int?
    var durationNs: Int64
    var drainTimeoutNs: Int64
    var path: String
    var writeKey: String
    /// HTTP: what the requests look like (route default, body, content type, authorization).
    var httpProtocol: HTTPProtocol = .segment
    /// At a fixed rate, where in the unit interval this connection's schedule starts: connection i of n
    /// starts i/n of an interval late, so that independent senders do not fire in lockstep.
    var phaseOffsetNs: Int64 = 0
}

/// Decides when the next unit may go and when to stop: a fixed schedule (unit k at start + k·batch/rate,
/// so a late unit is sent at once and the rate catches up) or flat out.
struct Pacer {
    let plan: SendPlan
    let started: Int64
    var units = 0
    var events = 0

    init(plan: SendPlan, started: Int64) {
        self.plan = plan
        self.started = started
    }

    /// Events in the next unit, or nil when done. Sleeps until the unit is due.
    mutating func nextUnit() -> Int? {
        var size = plan.batch
        if let total = plan.eventsPerConnection {
            guard events < total else { return nil }
            size = min(size, total - events)
        } else if monotonicNs() - started >= plan.durationNs {
            return nil
        }
        if plan.ratePerConnection > 0 {
            let due = started + plan.phaseOffsetNs + Int64(Double(events) / plan.ratePerConnection * 1e9)
            let wait = due - monotonicNs()
            if wait > 0 {
                if plan.eventsPerConnection == nil && due - started >= plan.durationNs { return nil }
                var spec = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
                nanosleep(&spec, nil)
            }
        }
        units += 1
        events += size
        return size
    }
}

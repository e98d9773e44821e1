@testable import EventdDaemon
import Testing

/// The loader's spool policy, with the clock passed in.
@Suite struct SpoolRoutingTests {
    let start = ContinuousClock.now

    @Test func cutsGoToPostgresWhileItKeepsUp() {
        var routing = SpoolRouting(divertAfter: .seconds(2))
        routing.observeRing(behind: false, at: start)
        #expect(routing.route(at: start + .seconds(10)) == .copy)
        #expect(!routing.shouldReplay(spoolEmpty: true))
    }

    @Test func failuresAreRetriedInMemoryUntilDivertAfterThenSpooled() {
        var routing = SpoolRouting(divertAfter: .seconds(2))
        #expect(routing.copyFailed(at: start) == .copy)
        #expect(routing.copyFailed(at: start + .seconds(1)) == .copy)
        #expect(routing.copyFailed(at: start + .seconds(2)) == .spool)
        routing.databaseFailed(at: start + .seconds(2), probeDelay: .milliseconds(500))
        #expect(routing.route(at: start + .seconds(2)) == .spool, "while down, every cut is spooled")
        #expect(!routing.shouldProbe(at: start + .seconds(2)))
        #expect(routing.shouldProbe(at: start + .milliseconds(2_500)))
        #expect(!routing.shouldReplay(spoolEmpty: false), "no replay while PostgreSQL is down")
        routing.copySucceeded()
        #expect(routing.route(at: start + .seconds(3)) == .copy)
        #expect(routing.shouldReplay(spoolEmpty: false))
        #expect(routing.copyFailed(at: start + .seconds(4)) == .copy, "a new outage starts a new grace period")
    }

    @Test func aRingBehindForDivertAfterSpoolsUntilItRecovers() {
        var routing = SpoolRouting(divertAfter: .seconds(1))
        routing.observeRing(behind: true, at: start)
        #expect(routing.route(at: start + .milliseconds(500)) == .copy)
        routing.observeRing(behind: true, at: start + .seconds(1))
        #expect(routing.route(at: start + .seconds(1)) == .spool)
        routing.observeRing(behind: false, at: start + .seconds(2))
        #expect(routing.route(at: start + .seconds(2)) == .copy)
    }

    @Test func zeroDivertAfterSpoolsAtTheFirstFailure() {
        var routing = SpoolRouting(divertAfter: .zero)
        #expect(routing.copyFailed(at: start) == .spool)
    }
}

@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// `LoaderStateMachine` with a fake clock (instants passed in) and fixed jitter: outages with and
/// without a spool, recovery, the drain deadline and lane hand-back, as tables of events and actions.
@Suite struct LoaderStateMachineTests {
    let clock = TestInstants()
    /// Jitter draws of 0.5: each delay is half the backoff's ceiling.
    let unit = 0.5

    func machine(spool: Bool, divertAfter: Duration = .seconds(2), drain: Duration = .seconds(5)) -> LoaderStateMachine {
        LoaderStateMachine(
            policy: .init(retryInitial: .milliseconds(100), retryMax: .seconds(2), drainTimeout: drain, hasSpool: spool),
            divertAfter: divertAfter)
    }

    @Test func withoutASpoolAnOutageIsRetriedWithGrowingBackoffUntilPostgresIsBack() {
        var m = machine(spool: false)
        #expect(m.deliver(at: clock.at(0), ringBehind: true, idleLane: false) == .here)
        #expect(m.loadStarted() == .load)
        #expect(m.loadFailed(at: clock.at(0), ringClosed: false, unit: unit) == .wait(.milliseconds(50)))
        #expect(m.loadFailed(at: clock.at(1), ringClosed: false, unit: unit) == .wait(.milliseconds(100)))
        #expect(m.loadFailed(at: clock.at(60), ringClosed: false, unit: unit) == .wait(.milliseconds(200)),
                "never gives up while the ring is open")
        #expect(m.loadSucceeded() == .confirmCommitted)
        #expect(m.loadStarted() == .load)
        #expect(m.loadFailed(at: clock.at(61), ringClosed: false, unit: unit) == .wait(.milliseconds(50)),
                "each cut starts its own backoff")
    }

    @Test func anOutageDivertsToTheSpoolAndRecoveryReplays() {
        var m = machine(spool: true, divertAfter: .seconds(2))
        let table: [(at: Double, event: String, expected: LoaderStateMachine.Action)] = [
            (0.0, "fail", .wait(.milliseconds(50))),
            (1.0, "fail", .wait(.milliseconds(100))),
            (2.0, "fail", .spool),
            (2.0, "appended", .confirmedFromSpool),
        ]
        _ = m.loadStarted()
        for row in table {
            let action = row.event == "fail"
                ? m.loadFailed(at: clock.at(row.at), ringClosed: false, unit: unit)
                : m.spoolAppended(at: clock.at(row.at), unit: unit)
            #expect(action == row.expected, "at \(row.at) s after \(row.event)")
        }
        // Down: fresh cuts go straight to the spool, a probe is due after the probe backoff, no replay.
        #expect(m.deliver(at: clock.at(2.01), ringBehind: false, idleLane: true) == .spool)
        #expect(!m.routing.shouldProbe(at: clock.at(2.01)))
        #expect(m.routing.shouldProbe(at: clock.at(2.05)))
        #expect(!m.routing.shouldReplay(spoolEmpty: false))
        // The probe answers: cuts go to PostgreSQL again and the spool is replayed.
        m.databaseAnswered()
        #expect(m.deliver(at: clock.at(3), ringBehind: false, idleLane: true) == .lane)
        #expect(m.routing.shouldReplay(spoolEmpty: false))
    }

    @Test func aFullSpoolKeepsTheCutInMemoryAndRetriesIt() {
        var m = machine(spool: true, divertAfter: .zero)
        _ = m.loadStarted()
        #expect(m.loadFailed(at: clock.at(0), ringClosed: false, unit: unit) == .spool)
        #expect(m.spoolRefused(at: clock.at(0), ringClosed: false, unit: unit) == .wait(.milliseconds(50)))
        #expect(m.loadFailed(at: clock.at(1), ringClosed: false, unit: unit) == .spool)
        #expect(m.spoolRefused(at: clock.at(1), ringClosed: false, unit: unit) == .wait(.milliseconds(100)))
        #expect(m.deliver(at: clock.at(1), ringBehind: false, idleLane: false) == .here, "not down until a spool append")
        #expect(m.spoolRefusedFreshCut(idleLane: true) == .lane)
    }

    @Test func aRingBehindForDivertAfterSendsFreshCutsToTheSpool() {
        var m = machine(spool: true, divertAfter: .seconds(1))
        #expect(m.deliver(at: clock.at(0), ringBehind: true, idleLane: false) == .here)
        #expect(m.deliver(at: clock.at(1), ringBehind: true, idleLane: false) == .spool)
        #expect(m.deliver(at: clock.at(2), ringBehind: false, idleLane: false) == .here)
    }

    @Test func atShutdownWithoutASpoolTheDrainDeadlineDropsWhatIsLeft() {
        var m = machine(spool: false, drain: .seconds(5))
        _ = m.loadStarted()
        #expect(m.loadFailed(at: clock.at(10), ringClosed: true, unit: unit) == .wait(.milliseconds(50)))
        #expect(m.drainDeadline == clock.at(15))
        #expect(m.loadFailed(at: clock.at(14.9), ringClosed: true, unit: unit) == .wait(.milliseconds(100)))
        #expect(m.loadFailed(at: clock.at(15), ringClosed: true, unit: unit) == .dropAtShutdown)
        // The deadline is the loader's: the next cut does not get five more seconds.
        _ = m.loadStarted()
        #expect(m.loadFailed(at: clock.at(15.1), ringClosed: true, unit: unit) == .dropAtShutdown)
    }

    @Test func atShutdownWithASpoolTheCutIsSpooledAtOnce() {
        var m = machine(spool: true, divertAfter: .seconds(60))
        _ = m.loadStarted()
        #expect(m.loadFailed(at: clock.at(0), ringClosed: true, unit: unit) == .spool, "no divert_after grace at shutdown")
        #expect(m.spoolRefused(at: clock.at(0), ringClosed: true, unit: unit) == .wait(.milliseconds(50)))
        #expect(m.loadFailed(at: clock.at(31), ringClosed: true, unit: unit) == .spool)
        #expect(m.spoolRefused(at: clock.at(31), ringClosed: true, unit: unit) == .dropAtShutdown,
                "a refusing spool still ends at the drain deadline")
    }

    @Test func aCutHandedBackByALaneGetsTheFullRetryPolicyHere() {
        var m = machine(spool: true, divertAfter: .seconds(2))
        #expect(m.deliver(at: clock.at(0), ringBehind: false, idleLane: true) == .lane)
        // The lane's COPY failed; the lane keeps no outage state, so the routing has seen nothing yet.
        #expect(m.routing.failingSince == nil)
        #expect(m.laneHandedBack() == .load)
        #expect(m.loadFailed(at: clock.at(0.1), ringClosed: false, unit: unit) == .wait(.milliseconds(50)))
        #expect(m.routing.failingSince == clock.at(0.1))
        #expect(m.loadSucceeded() == .confirmCommitted)
        #expect(m.routing.failingSince == nil)
    }

    @Test func aReloadChangesTheRetryBoundsFromTheNextCutOn() {
        var m = machine(spool: false)
        _ = m.loadStarted()
        m.update(retryInitial: .seconds(1), retryMax: .seconds(4))
        #expect(m.loadFailed(at: clock.at(0), ringClosed: false, unit: unit) == .wait(.milliseconds(50)))
        _ = m.loadStarted()
        #expect(m.loadFailed(at: clock.at(1), ringClosed: false, unit: unit) == .wait(.milliseconds(500)))
    }
}

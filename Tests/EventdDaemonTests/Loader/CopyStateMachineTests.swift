@testable import EventdDaemon
import Testing

/// `CopyStateMachine` fed what PostgreSQL answers, step by step: the fast path, duplicates, a poison
/// row, a lost race and a lost connection, without a server (the real-PostgreSQL versions are in
/// `LoaderFaultTests` and `LoaderLaneTests`).
@Suite struct CopyStateMachineTests {
    /// Rows `lower..<upper` of a cut.
    struct Span: CopyPart, Equatable, CustomStringConvertible {
        let lower: Int
        let upper: Int
        init(_ lower: Int, _ upper: Int) { self.lower = lower; self.upper = upper }
        var rowCount: Int { upper - lower }
        func halves() -> (Span, Span) {
            let middle = lower + rowCount / 2
            return (Span(lower, middle), Span(middle, upper))
        }
        var description: String { "\(lower)..<\(upper)" }
    }

    typealias Machine = CopyStateMachine<Span>

    @Test func aCleanCutCommitsInOneTransaction() {
        var machine = Machine(all: Span(0, 100), hasRejections: true, conflictRetries: 8)
        #expect(machine.start() == .copyFast(Span(0, 100)))
        #expect(machine.copyCommitted(landed: 100) == .finish(inserted: 100, duplicates: 0))
    }

    @Test func aDuplicateMovesTheCutToStagingAfterItsRefusals() {
        var machine = Machine(all: Span(0, 10), hasRejections: true, conflictRetries: 8)
        #expect(machine.start() == .copyFast(Span(0, 10)))
        #expect(machine.copyFailed(.duplicate) == .writeRejections)
        #expect(machine.rejectionsWritten() == .copyViaStaging(Span(0, 10)))
        #expect(machine.copyCommitted(landed: 7) == .finish(inserted: 7, duplicates: 3))
        #expect(machine.leftFastPathBecause == .duplicate)
    }

    @Test func aPoisonRowIsBisectedDownToItselfAndDeadLettered() {
        // Row 5 of 0..<8 is refused wherever it goes.
        var machine = Machine(all: Span(0, 8), hasRejections: false, conflictRetries: 8)
        let poison = 5
        var action = machine.start()
        var deadLettered: [Span] = []
        var copies = 0
        while true {
            switch action {
            case .copyFast(let span), .copyViaStaging(let span):
                copies += 1
                action = (span.lower...span.upper - 1).contains(poison)
                    ? machine.copyFailed(.refused) : machine.copyCommitted(landed: span.rowCount)
            case .deadLetter(let span):
                deadLettered.append(span)
                action = machine.deadLettered()
            case .finish(let inserted, let duplicates):
                #expect(inserted == 7 && duplicates == 0, "every other row lands")
                #expect(deadLettered == [Span(5, 6)])
                #expect(copies == 1 + 1 + 2 + 2 + 2, "fast, whole, halves, quarters, eighths around the poison")
                return
            case .writeRejections, .fail:
                Issue.record("unexpected \(action)")
                return
            }
        }
    }

    @Test func aLostRaceIsRetriedThroughStagingThenGivenBack() {
        var machine = Machine(all: Span(0, 2), hasRejections: false, conflictRetries: 2)
        _ = machine.start()
        #expect(machine.copyFailed(.lostRace) == .copyViaStaging(Span(0, 2)))
        #expect(machine.copyFailed(.lostRace) == .copyViaStaging(Span(0, 2)), "never dead-lettered")
        #expect(machine.copyFailed(.lostRace) == .copyViaStaging(Span(0, 2)))
        #expect(machine.copyFailed(.lostRace) == .fail(disconnect: false), "past the retries: the caller backs off")
    }

    @Test func aLostRaceThatResolvesCountsTheOtherCutsRowsAsDuplicates() {
        var machine = Machine(all: Span(0, 2), hasRejections: false, conflictRetries: 8)
        _ = machine.start()
        #expect(machine.copyFailed(.lostRace) == .copyViaStaging(Span(0, 2)))
        #expect(machine.copyCommitted(landed: 0) == .finish(inserted: 0, duplicates: 2))
    }

    /// A restart mid-COPY: the connection is lost after COPY was sent, before or after the COMMIT's
    /// reply. Either way the load fails and the cut is retried whole on a new connection; if the
    /// COMMIT had landed, the retry meets its own rows as duplicates and stores nothing twice.
    @Test(arguments: [false, true])
    func connectionLostMidCopyGivesTheCutBackAndTheRetryAbsorbsWhatCommitted(commitLanded: Bool) {
        var first = Machine(all: Span(0, 50), hasRejections: true, conflictRetries: 8)
        _ = first.start()
        #expect(first.copyFailed(.connectionLost) == .fail(disconnect: true))

        var retry = Machine(all: Span(0, 50), hasRejections: true, conflictRetries: 8)
        #expect(retry.start() == .copyFast(Span(0, 50)))
        if commitLanded {
            #expect(retry.copyFailed(.duplicate) == .writeRejections, "refusals are keyed, written once")
            #expect(retry.rejectionsWritten() == .copyViaStaging(Span(0, 50)))
            #expect(retry.copyCommitted(landed: 0) == .finish(inserted: 0, duplicates: 50))
        } else {
            #expect(retry.copyCommitted(landed: 50) == .finish(inserted: 50, duplicates: 0))
        }
    }

    @Test func connectionLostOnTheSlowPathAlsoGivesTheCutBack() {
        var machine = Machine(all: Span(0, 4), hasRejections: false, conflictRetries: 8)
        _ = machine.start()
        _ = machine.copyFailed(.refused)
        #expect(machine.copyFailed(.connectionLost) == .fail(disconnect: true))
    }
}

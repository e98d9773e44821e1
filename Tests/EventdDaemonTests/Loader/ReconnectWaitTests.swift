@testable import EventdDaemon
import EventdPostgres
import Testing

/// The wait between attempts to reach PostgreSQL, with the clock and the jitter passed in.
@Suite struct ReconnectWaitTests {
    let start = ContinuousClock.now

    @Test func pingsEveryQuarterSecondWithJitterAndSleepsOutTheLastSlice() {
        let wait = ReconnectWait(delay: .seconds(2), from: start)
        #expect(wait.next(at: start, unit: 0) == .sleepThenPing(.milliseconds(125)))
        #expect(wait.next(at: start, unit: 0.5) == .sleepThenPing(.milliseconds(250)))
        #expect(wait.next(at: start + .milliseconds(1_900), unit: 0.5) == .sleep(.milliseconds(100)))
        #expect(wait.next(at: start + .seconds(2), unit: 0.5) == .retry)
    }

    /// A flapping PostgreSQL: down when the COPY failed, up again a moment later. The wait ends at the
    /// first ping that finds it, not at the end of a backoff that could outlast the whole up-window.
    @Test func aServerThatComesBackEndsTheWaitAtOnce() {
        var wait = ReconnectWait(delay: .seconds(2), from: start)
        let steps = [wait.observe(.unreachable), wait.observe(.unreachable), wait.observe(.answering)]
        #expect(steps == [false, false, true])
    }

    /// A server that answers all along but refused the COPY (a standby not yet promoted, too many
    /// connections) is not retried in a tight loop: the backoff is waited out.
    @Test func aServerThatAnsweredAllAlongWaitsOutTheBackoff() {
        var wait = ReconnectWait(delay: .seconds(2), from: start)
        let steps = (0..<8).map { _ in wait.observe(.answering) }
        #expect(steps == Array(repeating: false, count: 8))
    }
}

@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// The pacing behind UDP's drop and refusal lines and the loader's outage log.
@Suite struct RateLimitedLogTests {
    let time = TestInstants()

    @Test func logsTheFirstOccurrenceThenOncePerIntervalWithTheCountSinceTheLastLine() {
        var log = RateLimitedLog(interval: .seconds(10))
        #expect(log.shouldLog(count: 3, at: time.at(0)) == 3)
        #expect(log.shouldLog(count: 2, at: time.at(4)) == nil)
        #expect(log.shouldLog(count: 5, at: time.at(9.9)) == nil)
        #expect(log.shouldLog(at: time.at(10)) == 8, "2 + 5 suppressed + this one")
        #expect(log.shouldLog(at: time.at(15)) == nil)
    }

    @Test func afterAResetTheNextOccurrenceIsLoggedAtOnceAndCountsAlone() {
        var log = RateLimitedLog(interval: .seconds(10))
        #expect(log.shouldLog(at: time.at(0)) == 1)
        #expect(log.shouldLog(count: 4, at: time.at(1)) == nil)
        log.reset()
        #expect(log.shouldLog(at: time.at(2)) == 1)
    }
}

@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// The loader's outage log: the first failure, one line per interval with the count, one line at the end.
@Suite struct OutageLogTests {
    let time = TestInstants()

    @Test func aTwoMinuteOutageRetriedEveryHalfSecondIsFiveLines() {
        var log = OutageLog(interval: .seconds(30))
        var lines: [OutageLog.Line] = []
        for tick in 0..<240 {
            if let line = log.failed(at: time.at(Double(tick) * 0.5)) { lines.append(line) }
        }
        if let line = log.succeeded(at: time.at(120)) { lines.append(line) }
        #expect(lines == [
            .unreachable,
            .stillUnreachable(attempts: 61, elapsed: .seconds(30)),
            .stillUnreachable(attempts: 121, elapsed: .seconds(60)),
            .stillUnreachable(attempts: 181, elapsed: .seconds(90)),
            .reachableAgain(attempts: 240, elapsed: .seconds(120)),
        ])
    }

    @Test func successesWithoutAnOutageLogNothingAndANewOutageStartsOver() {
        var log = OutageLog(interval: .seconds(30))
        #expect(log.succeeded(at: time.at(0)) == nil)
        #expect(log.failed(at: time.at(1)) == .unreachable)
        #expect(log.failed(at: time.at(2)) == nil)
        #expect(log.succeeded(at: time.at(3)) == .reachableAgain(attempts: 2, elapsed: .seconds(2)))
        #expect(log.succeeded(at: time.at(4)) == nil)
        #expect(log.failed(at: time.at(5)) == .unreachable, "the next outage is logged in full again")
    }
}

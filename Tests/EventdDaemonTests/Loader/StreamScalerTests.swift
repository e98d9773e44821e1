@testable import EventdDaemon
import Testing

/// The adaptive COPY streams policy, one window sample at a time (windows of 1 s here).
@Suite struct StreamScalerTests {
    /// Starting from one stream, giving one back after 3 quiet windows, judging a trial on the window
    /// right after it opened (the default warm-up window is tested on its own).
    func scaler(maximum: Int = 4) -> StreamScaler {
        StreamScaler(policy: .init(maximum: maximum, initial: 1, window: .seconds(1), trialWarmupWindows: 0, quietWindows: 3))
    }

    @Test func aTrialIsJudgedAfterTheNewStreamsFirstCutNotOnTheWindowItOpenedIn() {
        var s = StreamScaler(policy: .init(maximum: 4, initial: 1, window: .seconds(1)))
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 0.95, streams: 1)) == .open)
        // The new stream is still on its first cut: no more rows than before, which is no verdict.
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 0.9, streams: 2)) == .hold, "warm-up window")
        #expect(s.active == 2)
        #expect(s.windowEnded(sample(rows: 55_000, busyPerStream: 0.9, streams: 2)) == .hold, "the trial paid")
        #expect(s.active == 2)
    }

    @Test func aTrialThatDoesNotPayAfterItsWarmUpIsGivenBack() {
        var s = StreamScaler(policy: .init(maximum: 4, initial: 1, window: .seconds(1)))
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 0.95, streams: 1)) == .open)
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 0.9, streams: 2)) == .hold, "warm-up window")
        #expect(s.windowEnded(sample(rows: 31_000, busyPerStream: 0.95, streams: 2)) == .close)
        #expect(s.active == 1)
    }

    @Test func byDefaultItStartsWithTwoStreamsAndGivesOneBackAfterFiveQuietWindows() {
        var s = StreamScaler(policy: .init(maximum: 4))
        #expect(s.active == 2)
        for window in 1...4 {
            #expect(s.windowEnded(.init(rows: 0, busy: .zero, length: .seconds(1))) == .hold, "quiet window \(window)")
        }
        #expect(s.windowEnded(.init(rows: 0, busy: .zero, length: .seconds(1))) == .close)
        #expect(StreamScaler(policy: .init(maximum: 1)).active == 1, "never more than the maximum")
    }

    /// `busy` seconds per stream in use, and rows in the window.
    func sample(rows: Int, busyPerStream: Double, streams: Int) -> StreamScaler.Sample {
        .init(rows: rows, busy: .milliseconds(Int(busyPerStream * 1000) * streams), length: .seconds(1))
    }

    /// A scaler that opened a second stream at `one` rows/s and kept it at `two`.
    func twoStreams(one: Int, two: Int) -> StreamScaler {
        var s = scaler()
        _ = s.windowEnded(sample(rows: one, busyPerStream: 0.9, streams: 1))
        _ = s.windowEnded(sample(rows: two, busyPerStream: 0.9, streams: 2))
        #expect(s.active == 2)
        return s
    }

    @Test func aSaturatedStreamOpensASecondAndKeepsItWhenThroughputRises() {
        var s = scaler()
        #expect(s.windowEnded(sample(rows: 35_000, busyPerStream: 0.95, streams: 1)) == .open)
        #expect(s.active == 2)
        #expect(s.windowEnded(sample(rows: 60_000, busyPerStream: 0.9, streams: 2)) == .hold, "the trial paid")
        #expect(s.active == 2)
        #expect(s.windowEnded(sample(rows: 61_000, busyPerStream: 0.9, streams: 2)) == .open, "still saturated: try a third")
        #expect(s.active == 3)
    }

    @Test func aStreamThatDoesNotPayIsGivenBackAndNotRetriedAtOnce() {
        var s = twoStreams(one: 60_000, two: 100_000)
        #expect(s.windowEnded(sample(rows: 100_000, busyPerStream: 0.9, streams: 2)) == .open)
        // A third stream adds 2 % where one stream did 50,000 rows/s: PostgreSQL's cores are full.
        #expect(s.windowEnded(sample(rows: 102_000, busyPerStream: 0.95, streams: 3)) == .close)
        #expect(s.active == 2)
        for window in 1...10 {
            #expect(s.windowEnded(sample(rows: 100_000, busyPerStream: 0.9, streams: 2)) == .hold, "hold window \(window)")
        }
        #expect(s.windowEnded(sample(rows: 100_000, busyPerStream: 0.9, streams: 2)) == .open, "then it tries again")
    }

    @Test func neverMoreThanTheMaximum() {
        var s = scaler(maximum: 2)
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 1, streams: 1)) == .open)
        #expect(s.windowEnded(sample(rows: 60_000, busyPerStream: 1, streams: 2)) == .hold)
        #expect(s.windowEnded(sample(rows: 60_000, busyPerStream: 1, streams: 2)) == .hold)
        #expect(s.active == 2)
    }

    @Test func maximumOneNeverOpens() {
        var s = scaler(maximum: 1)
        #expect(s.windowEnded(sample(rows: 30_000, busyPerStream: 1, streams: 1)) == .hold)
        #expect(s.active == 1)
    }

    @Test func aModerateLoadStaysOnOneStream() {
        var s = scaler()
        for _ in 1...20 {
            #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.3, streams: 1)) == .hold)
        }
        #expect(s.active == 1)
    }

    @Test func whenTheLoadFallsStreamsAreGivenBackOneAtATimeAfterQuietWindows() {
        var s = twoStreams(one: 30_000, two: 55_000)
        // 0.3 s busy per stream: 0.6 s of work, which one stream would do at 60 % busy — not quiet enough.
        #expect(s.windowEnded(sample(rows: 20_000, busyPerStream: 0.3, streams: 2)) == .hold)
        #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2)) == .hold)
        #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2)) == .hold)
        #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2)) == .close)
        #expect(s.active == 1)
        #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.2, streams: 1)) == .hold, "one stream is never closed")
    }

    @Test func aBusyWindowBetweenQuietOnesRestartsTheCount() {
        var s = twoStreams(one: 30_000, two: 55_000)
        _ = s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2))
        _ = s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2))
        _ = s.windowEnded(sample(rows: 40_000, busyPerStream: 0.7, streams: 2))
        _ = s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2))
        #expect(s.windowEnded(sample(rows: 5_000, busyPerStream: 0.1, streams: 2)) == .hold)
        #expect(s.active == 2)
    }
}

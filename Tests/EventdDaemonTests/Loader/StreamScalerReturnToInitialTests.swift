@testable import EventdDaemon
import Testing

/// After an idle spell the quiet rule leaves one stream; a load that returns gets back the starting
/// streams (`Policy.initial`) within one window, without a trial or a hold in its way.
@Suite struct StreamScalerReturnToInitialTests {
    /// The default policy (start with 2, maximum 4) with 1 s windows.
    func scaler() -> StreamScaler {
        StreamScaler(policy: .init(maximum: 4, window: .seconds(1)))
    }

    func idle(_ s: inout StreamScaler, windows: Int) {
        for _ in 0..<windows { _ = s.windowEnded(.init(rows: 0, busy: .zero, length: .seconds(1))) }
    }

    @Test func rowsWaitingAfterAnIdleSpellOpenTheSecondStreamAtOnceAndKeepIt() {
        var s = scaler()
        idle(&s, windows: 5)
        #expect(s.active == 1, "the quiet rule gave one back")
        // One stream, 60 % busy, but a cut waited for it half the window: a closed-loop sender (HTTP).
        let waited = StreamScaler.Sample(rows: 50_000, busy: .milliseconds(600), length: .seconds(1), waiting: .milliseconds(500))
        #expect(s.windowEnded(waited) == .open)
        #expect(s.active == 2)
        // No trial: the next window, with no more rows than before, does not take it back.
        let same = StreamScaler.Sample(rows: 50_000, busy: .milliseconds(1_000), length: .seconds(1), waiting: .milliseconds(100))
        #expect(s.windowEnded(same) == .hold)
        #expect(s.active == 2)
    }

    @Test func aHoldFromAFailedTrialAboveInitialDoesNotDelayTheReturn() {
        var s = scaler()
        let saturated = StreamScaler.Sample(rows: 80_000, busy: .milliseconds(1_900), length: .seconds(1))
        #expect(s.windowEnded(saturated) == .open, "a trial of a third stream")
        #expect(s.windowEnded(.init(rows: 80_000, busy: .milliseconds(2_800), length: .seconds(1))) == .hold, "warm-up")
        #expect(s.windowEnded(.init(rows: 80_500, busy: .milliseconds(2_800), length: .seconds(1))) == .close, "it did not pay")
        #expect(s.active == 2)
        idle(&s, windows: 5)
        #expect(s.active == 1)
        #expect(s.windowEnded(.init(rows: 45_000, busy: .milliseconds(950), length: .seconds(1))) == .open,
                "busy again: back to two although the failed trial's hold had windows left")
        #expect(s.active == 2)
    }

    @Test func aLowLoadStaysOnOneStream() {
        var s = scaler()
        idle(&s, windows: 5)
        for _ in 0..<10 {
            #expect(s.windowEnded(.init(rows: 5_000, busy: .milliseconds(300), length: .seconds(1))) == .hold)
        }
        #expect(s.active == 1)
    }

    @Test func anInitialAboveTheMaximumNeverOpensPastIt() {
        var s = StreamScaler(policy: .init(maximum: 1, initial: 2, window: .seconds(1)))
        #expect(s.active == 1)
        #expect(s.windowEnded(.init(rows: 50_000, busy: .milliseconds(1_000), length: .seconds(1))) == .hold)
        #expect(s.active == 1)
    }
}

@testable import EventdDaemon
import Testing

/// The scaler's rule for rows that wait for a stream (`StreamScaler.Sample.waiting`), window by window
/// with the clock in the samples: senders that wait for their COMMIT (HTTP `/v1/batch`, 16 × 500 events)
/// leave the streams idle between round trips, so busy time alone never opens one; the time a ready
/// cut waited for a stream does.
@Suite struct StreamScalerWaitingRowsTests {
    /// One window: `rows` committed, each stream in use busy `busy` of it, a cut waiting `waiting` of it.
    struct Window: CustomStringConvertible, Sendable {
        var rows: Int
        var busy: Double
        var waiting: Double
        var seconds = 2.0
        var expect: StreamScaler.Decision

        var description: String { "\(rows) rows, busy \(busy), waiting \(waiting) → \(expect)" }

        func sample(streams: Int) -> StreamScaler.Sample {
            .init(rows: rows, busy: .milliseconds(Int(busy * seconds * 1000) * streams),
                  length: .milliseconds(Int(seconds * 1000)), waiting: .milliseconds(Int(waiting * seconds * 1000)))
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var maximum = 4
        var windows: [Window]
        var activeAfter: Int
        var testDescription: String { name }
    }

    /// Two streams at start (the default), judged on the window after a one-window warm-up, 2 s windows.
    static let cases: [Case] = [
        Case(name: "rows waiting a third of the window open a stream though no stream is 80 % busy", windows: [
            .init(rows: 60_000, busy: 0.6, waiting: 0.4, expect: .open),
        ], activeAfter: 3),
        Case(name: "rows waiting a fifth of the window do not", windows: [
            .init(rows: 60_000, busy: 0.6, waiting: 0.2, expect: .hold),
            .init(rows: 60_000, busy: 0.6, waiting: 0.2, expect: .hold),
        ], activeAfter: 2),
        Case(name: "a stream opened for waiting rows is kept when rows/s rise (the wait was the bound)", windows: [
            .init(rows: 60_000, busy: 0.6, waiting: 0.4, expect: .open),
            .init(rows: 60_000, busy: 0.5, waiting: 0.2, expect: .hold),  // warm-up: its first cut
            .init(rows: 72_000, busy: 0.6, waiting: 0.1, expect: .hold),  // 36,000 rows/s from 30,000: +6,000 ≥ 10 % of 15,000 a stream
            .init(rows: 72_000, busy: 0.6, waiting: 0.1, expect: .hold),
        ], activeAfter: 3),
        Case(name: "a stream opened for waiting rows that does not raise rows/s is given back, then held", windows: [
            .init(rows: 60_000, busy: 0.6, waiting: 0.4, expect: .open),
            .init(rows: 60_000, busy: 0.5, waiting: 0.4, expect: .hold),
            .init(rows: 61_000, busy: 0.5, waiting: 0.4, expect: .close),  // smaller cuts, same wait
        ] + Array(repeating: .init(rows: 60_000, busy: 0.6, waiting: 0.4, expect: .hold), count: 10) + [
            .init(rows: 60_000, busy: 0.6, waiting: 0.4, expect: .open),  // the hold is over: a new trial
        ], activeAfter: 3),
        Case(name: "at the maximum, waiting rows change nothing", maximum: 2, windows: [
            .init(rows: 60_000, busy: 0.6, waiting: 0.9, expect: .hold),
            .init(rows: 60_000, busy: 0.6, waiting: 0.9, expect: .hold),
        ], activeAfter: 2),
        Case(name: "streams are not given back as quiet while rows wait for them", maximum: 2,
             windows: Array(repeating: .init(rows: 8_000, busy: 0.2, waiting: 0.5, expect: .hold), count: 8),
             activeAfter: 2),
        Case(name: "quiet windows without waiting rows give a stream back, as before", windows:
            Array(repeating: .init(rows: 8_000, busy: 0.2, waiting: 0.0, expect: .hold), count: 4)
            + [.init(rows: 8_000, busy: 0.2, waiting: 0.0, expect: .close)],
             activeAfter: 1),
        Case(name: "the waiting share is of the window's real length (a COPY held the loader thread)", windows: [
            // 1.2 s waited in a window stretched to 6 s: 20 %, below the rule.
            .init(rows: 60_000, busy: 0.6, waiting: 0.2, seconds: 6, expect: .hold),
            // 1.2 s waited in a 2 s window: 60 %.
            .init(rows: 60_000, busy: 0.6, waiting: 0.6, expect: .open),
        ], activeAfter: 3),
        Case(name: "a saturated stream still opens one with no wait recorded (TCP flat out)", windows: [
            .init(rows: 60_000, busy: 0.95, waiting: 0.0, expect: .open),
        ], activeAfter: 3),
    ]

    @Test(arguments: cases)
    func scalerFollowsWaitingRows(_ c: Case) {
        var scaler = StreamScaler(policy: .init(maximum: c.maximum))
        for (index, window) in c.windows.enumerated() {
            let decision = scaler.windowEnded(window.sample(streams: scaler.active))
            #expect(decision == window.expect, "window \(index + 1): \(window)")
        }
        #expect(scaler.active == c.activeAfter)
    }
}

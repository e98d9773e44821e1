import EventdCore

/// Fixed texts for the microbenchmarks: the load generator's mix, rendered once with a frozen clock.
public enum SampleTexts {
    /// The send time stamped into every sample (2026-01-01T00:00:00Z), so runs decode identical bytes.
    public static let frozenNs: Int64 = 1_767_225_600_000_000_000

    /// `count` texts of `batch` events each (one TCP line each, without the newline).
    public static func lines(shape: EventMix.Shape, batch: Int, count: Int, seed: UInt64 = 42) -> [[UInt8]] {
        var stamper = EventStamper(mix: EventMix(shape: shape, seed: seed, count: 512), stream: 0xBE7C_0000)
        return (0..<count).map { _ in
            var out: [UInt8] = []
            stamper.appendUnit(.line, count: batch, nowNs: frozenNs, to: &out)
            out.removeLast()
            return out
        }
    }

    /// An event whose strings need COPY escaping (tabs, newlines, backslashes, quotes, non-ASCII).
    public static let escapeHeavy: [UInt8] = Array(#"""
        {"id":"0be7c000-0000-4000-8000-000000000001","type":"error","name":"js_error","session_id":"sess_\t1","timestamp":"2026-01-01T00:00:00.000Z","properties":{"message":"TypeError: x is undefined\n    at render (app.js:12:5)\n    at \"main\" C:\\app\\main.js","note":"Grüße — 日本語 ✓","tab":"a\tb"},"context":{"page":{"url":"https://www.example.com/app?q=a%20b"},"locale":"de-DE"}}
        """#.utf8)

    /// The ingest context every sample is decoded with (TCP, fixed receipt time).
    public static var context: IngestContext {
        IngestContext(receivedAt: frozenNs / 1000, transport: .tcp, sourceAddress: nil)
    }
}

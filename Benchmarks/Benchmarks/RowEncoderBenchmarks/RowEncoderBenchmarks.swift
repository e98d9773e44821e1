import Benchmark
import BenchSupport
import EventdCore
import Foundation

/// The COPY text encoder outside the decoder's single pass: event rows are written by the decoder
/// while it validates (see DecoderBenchmarks, incl. the escape-heavy case), so what is left to
/// measure here is the refusal row (dead-letter path: escaping + bytea hex of the raw text), the
/// timestamp formatter used in every row, and the loader's row split (bisecting a poison batch).
/// `EVENTD_BENCH_SMOKE=1` (Benchmarks/smoke.sh): a fraction of a second per benchmark, only to
/// prove the benchmarks still build and run.
let benchSmoke = ProcessInfo.processInfo.environment["EVENTD_BENCH_SMOKE"] != nil

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 50,
        maxDuration: benchSmoke ? .milliseconds(200) : .seconds(3),
        maxIterations: 100_000,
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 0]),
            .wallClock: .init(relative: [.p50: 25.0]),
        ]
    )

    Benchmark("encode rejection row (400-byte raw)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let raw = SampleTexts.lines(shape: .native, batch: 1, count: 1)[0]
        // A real refusal (Rejection has no public initialiser): an event with an unknown type.
        var decoder = EventDecoder()
        let bad = Array(#"{"type":"pageview","name":"Home","message_id":"msg-123"}"#.utf8)
        _ = decoder.decode(bad, context: SampleTexts.context, into: RowBuffer(), rejected: RowBuffer(table: .rejectedEvents))
        let rejection = decoder.rejections[0]
        let out = RowBuffer(table: .rejectedEvents, initialCapacity: 4 << 20)
        let context = SampleTexts.context
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            raw.withUnsafeBytes { CopyRowEncoder.appendRejection(rejection, raw: $0, context: context, to: out) }
            if out.count > 3 << 20 { out.removeAll(keepingCapacity: true) }
        }
    }

    Benchmark("format timestamp", configuration: .init(scalingFactor: .mega)) { benchmark in
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { out.deallocate() }
        var micros: Int64 = 1_767_225_600_123_456
        for _ in benchmark.scaledIterations {
            Timestamp.format(micros, into: out)
            micros &+= 1_001
            blackHole(out[5])
        }
    }

    // One iteration = copy 5,000 rows (a default COPY batch) into another buffer, as the loader's
    // poison-row bisection does.
    Benchmark("copy 5000 rows between buffers") { benchmark in
        var decoder = EventDecoder()
        let source = RowBuffer(table: .events, initialCapacity: 4 << 20)
        let rejected = RowBuffer(table: .rejectedEvents)
        for text in SampleTexts.lines(shape: .native, batch: 100, count: 50) {
            _ = decoder.decode(text, context: SampleTexts.context, into: source, rejected: rejected)
        }
        let target = RowBuffer(table: .events, initialCapacity: 4 << 20)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            target.appendRows(of: source, 0..<source.rowCount)
            target.removeAll(keepingCapacity: true)
        }
    }
}

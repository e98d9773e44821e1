import Benchmark
import BenchSupport
import EventdCore
import Foundation

/// EventDecoder.decode — JSON scan, validation, mapping, enrichment and COPY-row encoding in one
/// pass — on the load generator's realistic mix. One iteration = one text; throughput is texts/s,
/// so events/s = throughput × events per text. Thresholds: no allocation per text in steady state
/// (the decoder's promise), and wall clock within 25% of the stored p50 (the machine is shared).
/// `EVENTD_BENCH_SMOKE=1` (Benchmarks/smoke.sh): a fraction of a second per benchmark, only to
/// prove the benchmarks still build and run.
let benchSmoke = ProcessInfo.processInfo.environment["EVENTD_BENCH_SMOKE"] != nil

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
        warmupIterations: 50,
        maxDuration: benchSmoke ? .milliseconds(200) : .seconds(3),
        maxIterations: 20_000,
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 0]),
            .wallClock: .init(relative: [.p50: 25.0]),
        ]
    )

    func decodeBenchmark(_ name: String, texts: [[UInt8]], eventsPerText: Int) {
        Benchmark(name) { benchmark in
            var decoder = EventDecoder()
            let events = RowBuffer(table: .events, initialCapacity: 1 << 20)
            let rejected = RowBuffer(table: .rejectedEvents)
            let context = SampleTexts.context
            // Warm the buffers so the measured loop is steady state.
            for text in texts.prefix(8) { _ = decoder.decode(text, context: context, into: events, rejected: rejected) }
            events.removeAll(keepingCapacity: true)
            var i = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let summary = text(texts, &i).withUnsafeBytes {
                    decoder.decode($0, context: context, into: events, rejected: rejected)
                }
                precondition(summary.accepted == eventsPerText, "sample refused: \(decoder.rejections)")
                events.removeAll(keepingCapacity: true)
            }
            benchmark.stopMeasurement()
            blackHole(events.count)
        }
    }

    func text(_ texts: [[UInt8]], _ i: inout Int) -> [UInt8] {
        defer { i = (i + 1) % texts.count }
        return texts[i]
    }

    decodeBenchmark("decode native event (1 per text)", texts: SampleTexts.lines(shape: .native, batch: 1, count: 256), eventsPerText: 1)
    decodeBenchmark("decode segment event (1 per text)", texts: SampleTexts.lines(shape: .segment, batch: 1, count: 256), eventsPerText: 1)
    decodeBenchmark("decode native batch (100 per text)", texts: SampleTexts.lines(shape: .native, batch: 100, count: 16), eventsPerText: 100)
    decodeBenchmark("decode escape-heavy event", texts: [SampleTexts.escapeHeavy], eventsPerText: 1)
}

import Benchmark
import EventdCore
import Foundation

/// The lock-free ring between the sources and the loader. It is touched once per batch (thousands
/// of events), so even 100 ns per hand-off is noise per event; these numbers guard against a
/// regression that would make it matter (a lock, an allocation, a lost wake-up turned into a sleep).
struct Token: RingElement {
    var byteCount: Int { 64 }
}

/// `EVENTD_BENCH_SMOKE=1` (Benchmarks/smoke.sh): a fraction of a second per benchmark, only to
/// prove the benchmarks still build and run.
let benchSmoke = ProcessInfo.processInfo.environment["EVENTD_BENCH_SMOKE"] != nil

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: benchSmoke ? .milliseconds(200) : .seconds(3),
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 0]),
            .wallClock: .init(relative: [.p50: 25.0]),
        ]
    )

    // One iteration = one push and one pop on the same thread (the uncontended fast path).
    Benchmark("ring push+pop, one thread", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let ring = BoundedRing<Token>(capacity: 1024)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            _ = ring.tryPush(Token())
            blackHole(ring.tryPop())
        }
    }

    // One iteration = 100k elements through the ring from 2 producer threads to this consumer,
    // with the consumer sleeping in waitForElements when it runs dry (the daemon's real shape).
    Benchmark("ring 2 producers -> 1 consumer, 100k elements",
              configuration: .init(metrics: [.wallClock, .throughput], maxIterations: 50,
                                   thresholds: [.wallClock: .init(relative: [.p50: 50.0])])) { benchmark in
        let perProducer = 50_000
        for _ in benchmark.scaledIterations {
            let ring = BoundedRing<Token>(capacity: 256)
            let done = DispatchGroup()
            for _ in 0..<2 {
                done.enter()
                Thread {
                    var sent = 0
                    while sent < perProducer {
                        if ring.tryPush(Token()) { sent += 1 } else { sched_yield() }
                    }
                    done.leave()
                }.start()
            }
            var received = 0
            while received < 2 * perProducer {
                if ring.tryPop() != nil { received += 1 } else { _ = ring.waitForElements(timeout: .milliseconds(10)) }
            }
            done.wait()
            blackHole(received)
        }
    }
}

// swift-tools-version: 6.1
// eventd's performance harness: a separate package so that its dependencies (package-benchmark and
// its malloc interposer) never reach the daemon's build.
//
//   BenchSupport          the realistic event mix (shared by the load generator and the microbenchmarks)
//   eventd-loadgen        load generator: TCP (with/without acks), UDP, HTTP; rate or flat out; COPY-row export
//   Benchmarks/*          package-benchmark microbenchmarks with thresholds (`swift package benchmark`)
//
// Scripts: run-e2e.sh (end to end against PostgreSQL, with the psql \copy ceiling), smoke.sh (CI),
// query-bench.sh (the seed's query targets on a 10M-event dataset). Results: RESULTS.md.
import PackageDescription

let package = Package(
    name: "eventd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "eventd", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "EventdCore", package: "eventd")]
        ),
        .executableTarget(
            name: "eventd-loadgen",
            dependencies: [
                "BenchSupport",
                .product(name: "EventdCore", package: "eventd"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "DecoderBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "EventdCore", package: "eventd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DecoderBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RingBenchmarks",
            dependencies: [
                .product(name: "EventdCore", package: "eventd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RowEncoderBenchmarks",
            dependencies: [
                "BenchSupport",
                .product(name: "EventdCore", package: "eventd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RowEncoderBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

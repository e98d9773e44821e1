// swift-tools-version: 6.1
// eventd — analytics event ingestion daemon for PostgreSQL.
//
// The target graph follows the data's path:
//   CLibPQ / CZlib        system libraries (apt: libpq-dev, zlib1g-dev); CMalloc: glibc's <malloc.h>
//   EventdPostgres        our one small libpq layer (connect, query, COPY, errors with SQLSTATE)
//   EventdMigrations      the schema: ordered SQL migrations embedded in the binary, and their runner
//   EventdTOML            eventd's TOML 1.0 reader (values with line:column), for the config; no dependencies
//   EventdCore            pure, I/O-free ingest logic: framing, JSON scan/validate, enrich, COPY rows, ring
//   EventdDaemon          the services: network sources, loader, rollups, admin, config, lifecycle
//   eventd                the thin command-line front end
import PackageDescription

let package = Package(
    name: "eventd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "eventd", targets: ["eventd"]),
        // The I/O-free core, for the benchmark package in Benchmarks/ (its microbenchmarks and load generator) and
        // the fuzz package in Tests/Fuzz (FuzzDecode, FuzzFraming).
        .library(name: "EventdCore", targets: ["EventdCore"]),
        // For the fuzz package in Tests/Fuzz, which depends on these rather than compiling symlinked copies:
        // the TOML reader (FuzzTOML, FuzzConfig) and zlib (FuzzHTTPBody's inflater).
        .library(name: "EventdTOML", targets: ["EventdTOML"]),
        .library(name: "CZlib", targets: ["CZlib"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's <malloc.h> (mallopt): eventd bounds its allocator's retention, see MallocTuning.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "EventdPostgres",
            dependencies: ["CLibPQ"]
        ),
        .target(
            name: "EventdMigrations",
            dependencies: ["EventdPostgres"],
            resources: [
                .embedInCode("SQL/001_initial_schema.sql"),
                .embedInCode("SQL/002_rls_policies.sql"),
                .embedInCode("SQL/003_performance_indexes.sql"),
                .embedInCode("SQL/004_functions_triggers.sql"),
                .embedInCode("SQL/005_seed_data.sql"),
                .embedInCode("SQL/006_rollups.sql"),
                .embedInCode("SQL/007_lead_email_lookup.sql"),
                .embedInCode("SQL/008_rejected_events_idempotency.sql"),
                .embedInCode("SQL/009_hourly_type_rollup.sql"),
                .embedInCode("SQL/010_security_hardening.sql"),
                .embedInCode("SQL/011_incremental_rollups.sql"),
                .embedInCode("SQL/012_rollup_storage.sql"),
                .embedInCode("SQL/013_console_reader.sql"),
                .embedInCode("SQL/014_rollup_lag.sql"),
                .embedInCode("SQL/015_rollup_backfill.sql"),
            ]
        ),
        .target(name: "EventdTOML"),
        .target(
            name: "EventdCore",
            dependencies: [
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        .target(
            name: "EventdDaemon",
            dependencies: [
                "EventdCore",
                "EventdTOML",
                "EventdPostgres",
                "EventdMigrations",
                "CZlib",
                "CMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The first-party web SDK, served at sources.http.sdk_path (WebSDKAsset).
            resources: [.embedInCode("WebSDK/sdk.js")]
        ),
        .executableTarget(
            name: "eventd",
            dependencies: [
                "EventdDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EventdCoreTests",
            dependencies: ["EventdCore"]
        ),
        .testTarget(
            name: "EventdTOMLTests",
            dependencies: ["EventdTOML"],
            // The toml-test suite's TOML 1.0 files and the tomllib script, read from the source tree.
            exclude: ["Corpus", "tomllib_dump.py"]
        ),
        .testTarget(
            name: "EventdPostgresTests",
            dependencies: ["EventdPostgres", "EventdMigrations"]
        ),
        .testTarget(
            name: "EventdDaemonTests",
            dependencies: [
                "EventdDaemon",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)

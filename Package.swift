// swift-tools-version: 6.1
// eventd — analytics event ingestion daemon for PostgreSQL.
//
// The target graph follows the data's path:
//   CLibPQ / CZlib        system libraries (apt: libpq-dev, zlib1g-dev); CMalloc: glibc's <malloc.h>
//   EventdPostgres        our one small libpq layer (connect, query, COPY, errors with SQLSTATE)
//   EventdMigrations      the schema: ordered SQL migrations embedded in the binary, and their runner
//   EventdTOML            eventd's TOML 1.0 reader (values with line:column), for the config; no dependencies
//   EventdConfig          the config: each key declared once, loading (TOML + EVENTD_*), validation, generated files
//   EventdCore            pure, I/O-free ingest logic: framing, JSON scan/validate, enrich, COPY rows, ring
//   EventdHTTPBody        a request body's encodings undone: gzip/deflate under a cap, form text, base64, the writeKey scan
//   EventdProtocols       vendor bodies (PostHog, Mixpanel, Snowplow) read and mapped to eventd's event shape; requests, replies
//   EventdDaemon          the services: network sources, loader, rollups, admin, lifecycle
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
        // the TOML reader (FuzzTOML), the config loader (FuzzConfig), the body decoders (FuzzHTTPBody) and the vendor
        // bodies (FuzzVendorBody).
        .library(name: "EventdTOML", targets: ["EventdTOML"]),
        .library(name: "EventdConfig", targets: ["EventdConfig"]),
        .library(name: "EventdHTTPBody", targets: ["EventdHTTPBody"]),
        .library(name: "EventdProtocols", targets: ["EventdProtocols"]),
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
                .embedInCode("SQL/016_minute_members.sql"),
            ]
        ),
        .target(name: "EventdTOML"),
        // Foundation and the TOML reader only, so that the fuzz package can build it without NIO.
        .target(
            name: "EventdConfig",
            dependencies: ["EventdTOML"]
        ),
        .target(
            name: "EventdCore",
            dependencies: [
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // What the HTTP source and the vendor adapters use to read a body, as targets of their own so that the fuzz
        // package (FuzzHTTPBody, FuzzVendorBody) depends on them: undoing transfer encodings (gzip/deflate under a cap,
        // form text, base64, the writeKey scan), then the vendor bodies and their rewrite into eventd's event shape.
        .target(
            name: "EventdHTTPBody",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "EventdProtocols",
            dependencies: [
                "EventdCore",
                "EventdHTTPBody",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "EventdDaemon",
            dependencies: [
                "EventdCore",
                "EventdConfig",
                "EventdHTTPBody",
                "EventdProtocols",
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
        // The test kit: one TestDatabase, the daemon runners, loopback TCP/UDP/HTTP clients, the log recorder,
        // timeouts, and scoped helpers (withTestDatabase, withDaemon) that stop and drop on every exit path.
        // A test target, so it is built only with the tests (never by `swift build -c release`, never into
        // eventd) and may use `@testable import EventdDaemon`; test targets import it the same way.
        .testTarget(
            name: "EventdTesting",
            dependencies: [
                "EventdDaemon",
                "EventdPostgres",
                "EventdMigrations",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
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
            dependencies: ["EventdPostgres", "EventdMigrations", "EventdTesting"]
        ),
        .testTarget(
            name: "EventdDaemonTests",
            dependencies: [
                "EventdDaemon",
                "EventdConfig",
                "EventdTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)

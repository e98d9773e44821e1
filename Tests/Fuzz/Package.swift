// swift-tools-version: 6.1
// eventd's libFuzzer targets — a package of its own so that the main package's build and tests never see
// fuzzer or sanitizer flags. It compiles the *real* sources under test: the main package's products
// EventdCore (JSON scanner/validator, framing, COPY rows text and binary), EventdTOML (the TOML reader),
// EventdConfig (the config loader) and CZlib as dependencies, and what is not a target of its own yet through
// symlinks into ../../Sources:
//
//   FuzzHTTPBody     → the four HTTP body decoders of Sources/EventdDaemon/Sources/HTTP and Protocols/Segment (internal types,
//                      so the fuzz entry point is compiled into the same module)
//   FuzzVendorBody   → PostHog's, Mixpanel's and Snowplow's body decoding and event mapping (Sources/EventdDaemon/Protocols),
//                      with the HTTP helpers they use, likewise symlinked
//
// Built with `swift build -c release --sanitize=fuzzer --sanitize=address` (run.sh does it): SwiftPM then links
// libFuzzer's `main` instead of the executables' own.
//
// Build and run: Tests/Fuzz/run.sh [seconds-per-target]   (see its header).
import PackageDescription

let package = Package(
    name: "eventd-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(name: "eventd", path: "../.."),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzDecode",
            dependencies: [.product(name: "EventdCore", package: "eventd"), "FuzzSupport"]
        ),
        .executableTarget(
            name: "FuzzCopyFormats",
            dependencies: [.product(name: "EventdCore", package: "eventd"), "FuzzSupport"]
        ),
        .executableTarget(
            name: "FuzzFraming",
            dependencies: [.product(name: "EventdCore", package: "eventd")]
        ),
        .executableTarget(
            name: "FuzzHTTPBody",
            dependencies: [.product(name: "CZlib", package: "eventd"), .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "FuzzVendorBody",
            dependencies: [.product(name: "CZlib", package: "eventd"), .product(name: "EventdCore", package: "eventd"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")]
        ),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: [.product(name: "EventdConfig", package: "eventd")]
        ),
        .executableTarget(
            name: "FuzzTOML",
            dependencies: [.product(name: "EventdTOML", package: "eventd")]
        ),
    ]
)

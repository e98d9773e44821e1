// swift-tools-version: 6.1
// eventd's libFuzzer targets — a package of its own so that the main package's build and tests never see
// fuzzer or sanitizer flags. It compiles the *real* sources under test, as dependencies on the main package's
// products (a path dependency on ../..), never as copies or symlinks:
//
//   EventdCore       FuzzDecode, FuzzCopyFormats, FuzzFraming (JSON scanner/validator, COPY rows text and binary, framing)
//   EventdHTTPBody   FuzzHTTPBody (gzip/deflate under a cap, base64, form text, the writeKey scan)
//   EventdProtocols  FuzzVendorBody (PostHog's, Mixpanel's and Snowplow's bodies and event mappings)
//   EventdConfig     FuzzConfig (the config loader, in one process)
//   EventdTOML       FuzzTOML (the TOML reader)
//
// Code a fuzz target needs becomes a library target of the main package, not a symlink: the fuzzers see only its
// public interface, as the daemon does.
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
            dependencies: [.product(name: "EventdHTTPBody", package: "eventd"), .product(name: "CZlib", package: "eventd"),
                           .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "FuzzVendorBody",
            dependencies: [.product(name: "EventdProtocols", package: "eventd"), .product(name: "EventdHTTPBody", package: "eventd"),
                           .product(name: "EventdCore", package: "eventd"), .product(name: "NIOHTTP1", package: "swift-nio")]
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

// swift-tools-version: 6.1
// eventd's libFuzzer targets — a package of its own so that the main package's build and tests never see
// fuzzer or sanitizer flags. It compiles the *real* sources under test (symlinks into ../../Sources):
//
//   EventdCore       → Sources/EventdCore (whole module: JSON scanner/validator, framing, COPY rows text and binary)
//   EventdConfig     → Sources/EventdDaemon/Config (the TOML config loader: Foundation + TOMLKit only)
//   FuzzHTTPBody     → the four HTTP body decoders of Sources/EventdDaemon/Sources/HTTP and Protocols/Segment (internal types,
//                      so the fuzz entry point is compiled into the same module)
//
// Built with `swift build -c release --sanitize=fuzzer --sanitize=address` (run.sh does it): SwiftPM then links
// libFuzzer's `main` instead of the executables' own, and TOMLKit's C++ parser is under AddressSanitizer too.
//
// Build and run: Tests/Fuzz/run.sh [seconds-per-target]   (see its header).
import PackageDescription

let package = Package(
    name: "eventd-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "EventdCore",
            dependencies: [.product(name: "Atomics", package: "swift-atomics")]
        ),
        .target(
            name: "EventdConfig",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzDecode",
            dependencies: ["EventdCore", "FuzzSupport"]
        ),
        .executableTarget(
            name: "FuzzCopyFormats",
            dependencies: ["EventdCore", "FuzzSupport"]
        ),
        .executableTarget(
            name: "FuzzFraming",
            dependencies: ["EventdCore"]
        ),
        .executableTarget(
            name: "FuzzHTTPBody",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: ["EventdConfig"]
        ),
    ]
)

// libFuzzer target: the config loader (the main package's EventdConfig, `EventdConfig.load(tomlText:environment:)`).
//
// Input: TOML text, optionally followed by a NUL byte and `EVENTD_NAME=value` lines used as the environment.
// Any input either loads or throws a `ConfigError` (typed throws: nothing else can escape) — never a crash, a
// trap or a hang. A config that loads must render back to TOML that loads to the same rendering, and every
// error must be one printable line.
import EventdConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let split = bytes.firstIndex(of: 0) ?? size
    let toml = String(decoding: bytes[..<split], as: UTF8.self)
    var environment: [String: String] = [:]
    if split < size {
        for line in String(decoding: bytes[(split + 1)...], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            environment[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
    }
    do {
        let config = try EventdConfig.load(tomlText: toml, environment: environment)
        let rendered = config.renderTOML()
        do {
            let again = try EventdConfig.load(tomlText: rendered, environment: [:])
            check(again.renderTOML() == rendered, "a loaded config does not render stably:\n\(rendered)")
        } catch {
            fatalError("a loaded config renders to TOML that does not load (\(error)):\n\(rendered)")
        }
    } catch {
        check(!error.description.isEmpty && !error.description.contains("\n"), "error is not one line: \(error.description.debugDescription)")
    }
    return 0
}

/// `precondition` that keeps its message in release builds (the fuzz targets are built with -O).
@inline(__always)
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "") {
    if !condition() { fatalError(message()) }
}

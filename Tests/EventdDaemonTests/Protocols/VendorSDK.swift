import Foundation
@testable import EventdTesting

/// Runs a short Python script with the vendors' SDKs (posthog, mixpanel, snowplow-tracker) from the
/// project's virtualenv `.local/venv`, which `deploy/dev/eventd-dev test` creates and fills from
/// `deploy/dev/sdk-requirements.txt`. The script gets eventd's base URL and keys in its environment
/// and prints what the SDK reported; it runs against 127.0.0.1 only and ends by itself (SDK timeouts).
enum VendorSDK {
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    static var python: URL {
        // Tests/EventdDaemonTests/Protocols/VendorSDK.swift → the repository.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".local/venv/bin/python")
    }

    static func run(_ script: String, port: Int, environment: [String: String] = [:]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestSetupError("no \(python.path): run deploy/dev/eventd-dev test once (it creates the SDKs' virtualenv)")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        var env = ProcessInfo.processInfo.environment
        env["EVENTD_URL"] = "http://127.0.0.1:\(port)"
        env["PUBLIC_KEY"] = HTTPTestDaemon.publicKey
        env["SECRET_KEY"] = HTTPTestDaemon.secretKey
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // stderr goes to a file, so a chatty SDK cannot fill a pipe nobody reads and stall.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("eventd-sdk-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errPath)
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errPath)) ?? Data()
        return Run(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                   errors: String(decoding: errData, as: UTF8.self))
    }
}

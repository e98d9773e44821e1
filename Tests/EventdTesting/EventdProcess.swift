import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `eventd serve` as a separate process (the binary next to the test bundle, or `EVENTD_BINARY`),
/// for faults the in-process daemon cannot show: `kill -9`, and RSS / descriptor counts over time.
final class EventdProcess {
    let tcpPort: Int
    let adminPort: Int
    let configPath: String
    let logPath: String
    private let process: Process

    /// The `eventd` executable: `EVENTD_BINARY`, else next to this test bundle in `.build/<config>/`.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["EVENTD_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let path = bundle.appendingPathComponent("eventd").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError("no eventd executable at \(path): run `swift build --build-tests` (or set EVENTD_BINARY)")
        }
        return path
    }

    /// Writes a config for `databaseURL` and `spoolDirectory` (plus `extra` TOML) and starts eventd on
    /// free loopback ports, with this process's environment plus `environment`; returns once its TCP
    /// listener accepts connections.
    static func start(databaseURL: String, spoolDirectory: String?, tcpPort: Int? = nil,
                      extra: String = "", environment: [String: String] = [:], workDirectory: String,
                      wrapper: [String] = []) throws -> EventdProcess {
        let tcp = try tcpPort ?? freeLoopbackPort()
        let admin = try freeLoopbackPort()
        let configPath = workDirectory + "/eventd-\(tcp).toml"
        let spool = spoolDirectory.map { "[spool]\ndirectory = \"\($0)\"\ndivert_after = \"300ms\"\n" } ?? ""
        let toml = """
            [database]
            url = "\(databaseURL)"
            [sources.tcp]
            listen = "127.0.0.1:\(tcp)"
            [loader]
            retry_initial = "20ms"
            retry_max = "200ms"
            [admin]
            listen = "127.0.0.1:\(admin)"
            [rollup]
            enabled = false
            [maintenance]
            enabled = false
            [log]
            level = "notice"
            \(spool)
            \(extra)
            """
        try toml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = workDirectory + "/eventd-\(tcp).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        let command = wrapper + [try binary(), "serve", "--config", configPath]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        // EVENTD_<SECTION>_<KEY> overrides keys of sections the config above already has.
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try process.run()
        let started = EventdProcess(tcpPort: tcp, adminPort: admin, configPath: configPath, logPath: logPath, process: process)
        try started.waitUntilListening()
        return started
    }

    private init(tcpPort: Int, adminPort: Int, configPath: String, logPath: String, process: Process) {
        self.tcpPort = tcpPort
        self.adminPort = adminPort
        self.configPath = configPath
        self.logPath = logPath
        self.process = process
    }

    /// A test that throws before its `terminate()` or `kill9()` leaves no eventd running behind it.
    deinit {
        if process.isRunning {
            Glibc.kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    private func waitUntilListening() throws {
        let deadline = TestTimeout.deadline(after: .seconds(20))
        while ContinuousClock.now < deadline {
            if !process.isRunning { throw TestSetupError("eventd exited at start; its log: \(log)") }
            if (try? LineClient(port: tcpPort)) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSetupError("eventd did not listen on 127.0.0.1:\(tcpPort) within \(TestTimeout.scaled(.seconds(20))); its log: \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `kill -9`: no shutdown, no drain, no fsync.
    func kill9() {
        Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and waits for the graceful exit; returns the exit status.
    @discardableResult
    func terminate() -> Int32 {
        Glibc.kill(pid, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Resident set size in KiB, from /proc.
    func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// Runs `eventd <arguments>` to completion (e.g. `spool --replay`); returns its status and output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Open file descriptors, from /proc.
    func openDescriptors() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
    }
}

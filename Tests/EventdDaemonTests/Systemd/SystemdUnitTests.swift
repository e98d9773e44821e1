import Foundation
import Testing
@testable import EventdTesting

/// The shipped unit files and install scripts, checked with systemd's own tools: `systemd-analyze verify`
/// and `systemd-analyze security --offline` (systemd 252 or newer), and an install into a staging tree.
///
/// Without systemd-analyze these tests are skipped, except under CI (`CI=true`), where its absence is
/// a failure: `.ci/run` installs the `systemd` package.
@Suite(.serialized)
struct SystemdUnitTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let units = ["eventd.service", "eventd.socket", "eventd-udp.socket", "eventd-http.socket"]
    static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(.enabled(if: analyzer != nil || required, "systemd-analyze is not installed (apt-get install systemd)"))
    func installedUnitsPassSystemdAnalyzeVerify() throws {
        let analyzer = try requireAnalyzer()
        let stage = try Staging()
        defer { stage.remove() }
        let install = try run([Self.root.path + "/deploy/install.sh", "--binary", stage.stubBinary, "--no-reload"],
                              environment: ["DESTDIR": stage.root])
        #expect(install.status == 0, "install.sh failed: \(install.output)")
        // verify checks that ExecStart= exists: point it at the staged binary, the one difference
        // between these units and the ones install.sh wrote.
        let unitDirectory = stage.root + "/etc/systemd/system"
        let checked = stage.directory + "/verify"
        try FileManager.default.createDirectory(atPath: checked, withIntermediateDirectories: true)
        for unit in Self.units {
            let text = try String(contentsOfFile: unitDirectory + "/" + unit, encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/eventd", with: stage.root + "/usr/local/bin/eventd")
                .write(toFile: checked + "/" + unit, atomically: true, encoding: .utf8)
        }
        let verify = try run([analyzer, "verify", "--man=no"] + Self.units.map { checked + "/" + $0 })
        #expect(verify.status == 0 && verify.output.isEmpty, "systemd-analyze verify: \(verify.output)")
    }

    @Test(.enabled(if: analyzer != nil || required, "systemd-analyze is not installed (apt-get install systemd)"))
    func serviceExposureIsAtMostTwo() throws {
        let analyzer = try requireAnalyzer()
        let unit = Self.root.path + "/deploy/systemd/eventd.service"
        // --threshold counts tenths: 20 is an exposure of 2.0.
        let security = try run([analyzer, "security", "--offline=yes", "--threshold=20", "--no-pager", unit])
        let score = security.output.split(separator: "\n").last { $0.contains("Overall exposure level") } ?? "no score"
        #expect(security.status == 0, "systemd-analyze security: \(score)")
    }

    @Test func installAndUninstallWorkInAStagingTree() throws {
        let stage = try Staging()
        defer { stage.remove() }
        let dryRun = try run([Self.root.path + "/deploy/install.sh", "--dry-run", "--binary", stage.stubBinary],
                             environment: ["DESTDIR": stage.root])
        #expect(dryRun.status == 0 && dryRun.output.contains("would install: deploy/systemd/eventd.service"))
        #expect(!FileManager.default.fileExists(atPath: stage.root + "/etc"), "--dry-run changes nothing")

        let install = try run([Self.root.path + "/deploy/install.sh", "--binary", stage.stubBinary],
                              environment: ["DESTDIR": stage.root])
        #expect(install.status == 0, "\(install.output)")
        let files = FileManager.default
        #expect(files.isExecutableFile(atPath: stage.root + "/usr/local/bin/eventd"))
        for unit in Self.units { #expect(files.fileExists(atPath: stage.root + "/etc/systemd/system/" + unit)) }
        #expect(files.fileExists(atPath: stage.root + "/etc/eventd/eventd.toml"))
        let mode = try files.attributesOfItem(atPath: stage.root + "/etc/eventd/eventd.env")[.posixPermissions] as? Int
        #expect(mode == 0o600, "the secrets file is readable by root only")

        // An operator's config survives a reinstall.
        try "# mine\n".write(toFile: stage.root + "/etc/eventd/eventd.toml", atomically: true, encoding: .utf8)
        #expect(try run([Self.root.path + "/deploy/install.sh", "--binary", stage.stubBinary],
                        environment: ["DESTDIR": stage.root]).status == 0)
        #expect(try String(contentsOfFile: stage.root + "/etc/eventd/eventd.toml", encoding: .utf8) == "# mine\n")

        #expect(try run([Self.root.path + "/deploy/uninstall.sh"], environment: ["DESTDIR": stage.root]).status == 0)
        #expect(!files.fileExists(atPath: stage.root + "/usr/local/bin/eventd"))
        #expect(!files.fileExists(atPath: stage.root + "/etc/systemd/system/eventd.service"))
        #expect(files.fileExists(atPath: stage.root + "/etc/eventd/eventd.toml"), "config kept without --purge")
        #expect(try run([Self.root.path + "/deploy/uninstall.sh", "--purge"], environment: ["DESTDIR": stage.root]).status == 0)
        #expect(!files.fileExists(atPath: stage.root + "/etc/eventd"))
    }

    private func requireAnalyzer() throws -> String {
        guard let analyzer = Self.analyzer else {
            throw TestSetupError("systemd-analyze is not installed but CI=true requires it: apt-get install systemd (see .ci/run)")
        }
        return analyzer
    }

    /// A scratch directory with a staging root and a stand-in eventd binary (the scripts only copy it).
    struct Staging {
        let directory: String
        var root: String { directory + "/root" }
        var stubBinary: String { directory + "/eventd-stub" }

        init() throws {
            directory = NSTemporaryDirectory() + "eventd-install-\(UInt32.random(in: 0 ... .max))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try "#!/bin/sh\nexit 0\n".write(toFile: stubBinary, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stubBinary)
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Runs a command to completion; standard output and error together.
    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = Self.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

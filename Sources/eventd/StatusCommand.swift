import ArgumentParser
import EventdDaemon
import Foundation

/// `eventd status`: a running eventd at a glance, from its admin endpoint.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running eventd's rates, PostgreSQL state, ring, spool and refusals.",
        discussion: """
            Reads the admin endpoint (/metrics and /readyz) twice, a second apart, and prints one \
            screen: events received and committed per second, refusals by reason, the PostgreSQL \
            server in use, ring and spool depth, version and uptime. The address is --admin, else \
            admin.listen from the config (--config or EVENTD_CONFIG), else 127.0.0.1:9464.

            Exit status, for health checks: 0 healthy (ready, PostgreSQL connected, spool empty), \
            1 degraded (running, but not ready, not connected, or holding events in the spool), \
            2 down (no admin endpoint answered).
            """
    )

    @Option(help: ArgumentHelp("The admin endpoint to ask (default: admin.listen from the config).", valueName: "host:port"))
    var admin: String?

    @Option(name: .customLong("config"),
            help: ArgumentHelp("Path of the TOML configuration file (for admin.listen).", valueName: "path"))
    var configPath: String?

    @Flag(help: "Print the reading as JSON, for scripts.")
    var json = false

    @Flag(help: "Refresh the screen until interrupted.")
    var watch = false

    @Option(help: ArgumentHelp("Seconds between readings (the rate window).", valueName: "seconds"))
    var interval: Double = 1

    func validate() throws {
        guard interval >= 0.2 && interval <= 3_600 else { throw ValidationError("--interval takes 0.2 to 3600 seconds") }
    }

    func run() throws {
        let client = try AdminClient(address: resolveAddress())
        var previous = try? read(client).get()
        repeat {
            Thread.sleep(forTimeInterval: interval)
            let current = read(client)
            let report = current.map { StatusReport($0, previous: previous) }
            if watch { print("\u{1B}[H\u{1B}[2J", terminator: "") }
            show(report, client: client)
            if !watch { throw ExitCode((try? report.get())?.verdict.exitCode ?? StatusReport.Verdict.down.exitCode) }
            previous = try? current.get()
        } while true
    }

    private func read(_ client: AdminClient) -> Result<StatusSnapshot, AdminClient.Failure> {
        Result { () throws(AdminClient.Failure) in try StatusSnapshot.read(from: client, now: Date().timeIntervalSince1970) }
    }

    /// The screen, or why there is none: the reading's own failure, not a second request to find it.
    private func show(_ result: Result<StatusReport, AdminClient.Failure>, client: AdminClient) {
        let report: StatusReport
        switch result {
        case .success(let reading):
            report = reading
        case .failure(let failure):
            if json {
                print(#"{"verdict":"down","reason":\#(Self.quoted(failure.description))}"#)
            } else {
                print("eventd at \(client.host):\(client.port): down — \(failure.description)")
            }
            return
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self))
        } else {
            print(report.render())
        }
    }

    private func resolveAddress() throws -> (host: String, port: Int) {
        if let admin {
            guard let address = ListenAddress(admin) else {
                throw ValidationError("--admin takes host:port, e.g. 127.0.0.1:9464")
            }
            return (address.host, address.port)
        }
        let environment = ProcessInfo.processInfo.environment
        let config = try EventdConfig.load(fileAt: configPath ?? environment["EVENTD_CONFIG"], environment: environment)
        return (config.admin.listen.host, config.admin.listen.port)
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension AdminClient {
    init(address: (host: String, port: Int)) {
        self.init(host: address.host == "0.0.0.0" ? "127.0.0.1" : address.host, port: address.port)
    }
}

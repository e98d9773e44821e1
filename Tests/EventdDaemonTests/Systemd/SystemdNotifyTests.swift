@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// eventd under a pretend systemd: the notifications it sends over `NOTIFY_SOCKET` through start, work,
/// reload and shutdown.
@Suite(.serialized)
struct SystemdNotifyTests {
    @Test func daemonSaysReadyStatusWatchdogReloadingAndStopping() async throws {
        try await withTestDatabase { database in
            let listener = try NotifyListener()
            var systemd = SystemdEnvironment()
            systemd.notifier = listener.notifier
            systemd.watchdog = WatchdogSettings(timeout: .milliseconds(200))
            systemd.statusInterval = .milliseconds(100)
            let file = try TemporaryConfigFile(ConfigReloadTests.baseConfig)
            try await withDaemon(await RunningDaemon.start(database: database, systemd: systemd, reloadingFrom: file) { config in
                config = try! file.load()
            }) { daemon in

                let ready = await listener.waitFor { $0.hasPrefix("READY=1") }
                #expect(ready?.contains("\nSTATUS=ready: 2 listeners") == true, "READY=1 comes with the first status line")

                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n" + #"{"type":"page_view","name":"home","session_id":"s-notify"}"# + "\n")
                #expect(client.readLine() != nil)
                let status = await listener.waitFor { $0.hasPrefix("STATUS=") && $0.contains("1 events committed") }
                #expect(status != nil, "STATUS= follows the live counts")
                #expect(await listener.waitFor { $0 == "WATCHDOG=1" } != nil)
                // Pings keep coming (every 100 ms, half the 200 ms timeout; the bound is loose for busy machines).
                let pings = listener.messages.filter { $0 == "WATCHDOG=1" }.count
                let deadline = TestTimeout.deadline(after: .seconds(10))
                while listener.messages.filter({ $0 == "WATCHDOG=1" }).count < pings + 3, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(listener.messages.filter { $0 == "WATCHDOG=1" }.count >= pings + 3, "pinged again and again")

                let outcome = daemon.daemon.reloader?.reload()
                #expect(outcome == .applied(ConfigChanges()))
                let messages = listener.messages
                let reloading = try #require(messages.lastIndex { $0.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") })
                #expect(messages[(reloading + 1)...].contains { $0.hasPrefix("READY=1\nSTATUS=reloaded") },
                        "READY=1 after the reload")

                try await daemon.stop()
                #expect(listener.messages.contains { $0.hasPrefix("STOPPING=1") })
            }
        }
    }
}

@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// SIGHUP's path (`ConfigReloader.reload()`, which the signal handler calls): live settings change
/// without dropping a connection, keys needing a restart are reported, an invalid config is refused.
@Suite(.serialized)
struct ConfigReloadTests {
    static let baseConfig = """
        [sources.tcp]
        listen = "127.0.0.1:0"
        [sources.udp]
        listen = "127.0.0.1:0"
        [loader]
        batch_delay = "20ms"
        retry_initial = "20ms"
        retry_max = "200ms"

        """

    @Test func reloadAppliesLiveSettingsWithoutDroppingConnections() async throws {
        try await withTestDatabase { database in
            let file = try TemporaryConfigFile(Self.baseConfig)
            try await withDaemon(await RunningDaemon.start(database: database, reloadingFrom: file) { config in
                config = try! file.load()
            }) { daemon in
                let reloader = try #require(daemon.daemon.reloader)
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n" + #"{"type":"page_view","name":"before","session_id":"s-reload"}"# + "\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 1)

                try file.write("""
                    [sources.tcp]
                    listen = "127.0.0.1:0"
                    max_connections = 10
                    [sources.udp]
                    listen = "127.0.0.1:0"
                    [loader]
                    batch_delay = "20ms"
                    retry_initial = "20ms"
                    retry_max = "200ms"
                    batch_rows = 50
                    [limits]
                    max_event_bytes = 300
                    [log]
                    level = "debug"
                    """)
                let outcome = reloader.reload()
                #expect(outcome == .applied(ConfigChanges(live: ["limits.max_event_bytes", "loader.batch_rows", "log.level"],
                                                          needRestart: ["sources.tcp.max_connections"])))
                #expect(reloader.runningConfig.loader.batchRows == 50)
                #expect(reloader.runningConfig.sources.tcp.maxConnections == 1024, "needs a restart: not applied")

                // The connection opened before the reload still works.
                try client.send(#"{"type":"page_view","name":"after","session_id":"s-reload"}"# + "\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 1)
                // New limits apply to the next datagram: an event over 300 bytes is now refused.
                let padding = String(repeating: "x", count: 400)
                sendDatagram(#"{"type":"page_view","name":"too-big","session_id":"s-reload","properties":{"p":"\#(padding)"}}"#,
                             port: daemon.udpPort)
                sendDatagram(#"{"type":"page_view","name":"small","session_id":"s-reload"}"#, port: daemon.udpPort)
                #expect(try await database.waitForCount(
                    "SELECT count(*) FROM analytics.events WHERE session_id = 's-reload'", toReach: 3) == 3)
                #expect(try await database.waitForCount(
                    "SELECT count(*) FROM analytics.rejected_events WHERE reason = 'event_too_large' AND transport = 'udp'", toReach: 1) == 1)
            }
        }
    }

    @Test func invalidConfigIsRefusedNamingTheKeyAndTheRunningOneStays() async throws {
        try await withTestDatabase { database in
            let file = try TemporaryConfigFile(Self.baseConfig)
            try await withDaemon(await RunningDaemon.start(database: database, reloadingFrom: file) { config in
                config = try! file.load()
            }) { daemon in
                let reloader = try #require(daemon.daemon.reloader)
                let before = reloader.runningConfig
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n")

                try file.write(Self.baseConfig + "batch_rowz = 50\n")
                guard case .refused(let key, let reason) = reloader.reload() else { Issue.record("an unknown key was accepted"); return }
                #expect(key == "loader.batch_rowz")
                #expect(reason.contains("did you mean 'batch_rows'"))

                try file.write(Self.baseConfig + "batch_rows = 0\n")
                guard case .refused(let key, _) = reloader.reload() else { Issue.record("batch_rows = 0 was accepted"); return }
                #expect(key == "loader.batch_rows")

                try file.write(Self.baseConfig + "batch_rows = [\n")
                guard case .refused(nil, _) = reloader.reload() else { Issue.record("broken TOML was accepted"); return }
                #expect(reloader.runningConfig == before)

                try client.send(#"{"type":"page_view","name":"still-running","session_id":"s-refused"}"# + "\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 1, "the old config keeps serving")
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE session_id = 's-refused'") == 1)
            }
        }
    }
}

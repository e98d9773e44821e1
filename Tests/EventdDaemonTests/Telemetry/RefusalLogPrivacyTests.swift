@testable import EventdDaemon
import NIOCore
import Testing
@testable import EventdTesting

/// Issue #14, finding 7: with `privacy.anonymize_ip` on (the default), no log line names a sender's
/// full address or port.
@Suite(.serialized)
struct RefusalLogPrivacyTests {
    @Test func refusedUDPEventsAreLoggedWithTheAnonymisedAddressOnly() async throws {
        try await withTestDatabase { database in
            let log = LogRecorder()
            try await withDaemon(await RunningDaemon.start(database: database, tcp: false, log: log)) { daemon in
                sendDatagram(#"{"type":"no_such_type","name":"x"}"#, port: daemon.udpPort)
                _ = try await database.waitForCount("SELECT count(*) FROM analytics.rejected_events", toReach: 1)
                try await daemon.stop()
                let line = try #require(log.lines(containing: "refused UDP events").first)
                #expect(line.metadata[LogKey.peer] == "127.0.0.0")
            }
        }
    }

    @Test func peersAreShownWithoutPortAndAnonymisedWhenAsked() throws {
        let v4 = try SocketAddress(ipAddress: "198.51.100.77", port: 40_000)
        #expect(RefusedConnectionLog.peer(v4, anonymize: true) == "198.51.100.0")
        #expect(RefusedConnectionLog.peer(v4, anonymize: false) == "198.51.100.77")
        let v6 = try SocketAddress(ipAddress: "2001:db8:1:2:3:4:5:6", port: 40_000)
        #expect(!RefusedConnectionLog.peer(v6, anonymize: true).contains("3:4:5:6"))
    }
}

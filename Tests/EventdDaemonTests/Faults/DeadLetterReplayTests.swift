@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// Refusals are exactly-once too: a spool replayed again (a crash between a replay's COMMIT and the cursor
/// update, here forced by restoring the spool as it was), `kill -9` in the middle of a replay, and a sender
/// resending lines after a lost ack leave `analytics.rejected_events` with one row per refusal.
extension FaultTests { @Suite struct DeadLetterReplayTests {
    @Test(.timeLimit(.minutes(3)))
    func spooledRefusalsAreStoredOnceThroughRepeatedReplaysAndKillNine() async throws {
        let workspace = try FaultWorkspace.create()
        defer { workspace.remove() }
        let database = workspace.database
        let spool = workspace.path + "/spool", pristine = workspace.path + "/spool-before-replay"

        // 1. PostgreSQL unreachable: every line is acknowledged from the spool, refusals included.
        let nowhere = "postgresql://postgres@127.0.0.1:\(try freeLoopbackPort())/nowhere"
        let offline = try EventdProcess.start(databaseURL: nowhere, spoolDirectory: spool, workDirectory: workspace.path)
        let offlinePort = offline.tcpPort
        let sent = try await onThread { try Self.sendMixedLines(port: offlinePort, lines: 60) }
        #expect(offline.terminate() == 0)
        #expect(sent.spooled == sent.lines, "every line was acknowledged from the spool")
        #expect(sent.rejected == 60 * 2 + 6, "two refusals per line and six malformed lines")
        try FileManager.default.copyItem(atPath: spool, toPath: pristine)

        // 2. Replayed by the operator command.
        let replay = ["spool", "--replay", "--directory", spool, "--database-url", database.url]
        let first = try EventdProcess.run(replay)
        #expect(first.status == 0, "\(first.output)")
        #expect(try Self.counts(database) == Counts(events: sent.accepted.count, rejected: sent.rejected))

        // 3. The same records again, as after a crash before the cursor moved: restored, then replayed by
        //    `eventd serve` killed with -9 once rows start to land, then to the end by the operator command.
        try Self.restore(pristine, to: spool)
        let replaying = try EventdProcess.start(databaseURL: database.url, spoolDirectory: spool, tcpPort: offline.tcpPort,
                                                environment: ["EVENTD_LOADER_BATCH_ROWS": "40"], workDirectory: workspace.path)
        #expect(try await Self.waitForReplayToWriteRefusals(database), "eventd replayed refusals again")
        replaying.kill9()
        let second = try EventdProcess.run(replay)
        #expect(second.status == 0, "\(second.output)")
        #expect(try Self.counts(database) == Counts(events: sent.accepted.count, rejected: sent.rejected),
                "a second replay adds no event and no refusal")
        let check = try checkExactlyOnce(sent.accepted, database: database, prefix: "dl-")
        #expect(check.missing.isEmpty && check.duplicated == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func resentLinesAddNoRefusalThatCarriesASenderID() async throws {
        let workspace = try FaultWorkspace.create()
        defer { workspace.remove() }
        let database = workspace.database
        let eventd = try EventdProcess.start(databaseURL: database.url, spoolDirectory: nil, workDirectory: workspace.path)
        defer { eventd.terminate() }
        // The same line three times, as a sender does after lost acks: the refusal with a messageId is one
        // row, as its accepted neighbour is one event. Without an id nothing tells a resend from a new send,
        // so the id-less refusal is stored per receipt (as an id-less event would be).
        let line = "{\"batch\":[\(faultEvent("rs-ok")),\(Self.refusedWithID("rs-bad")),\(Self.refusedWithoutID)]}\n"
        let port = eventd.tcpPort
        let acks = try await onThread { () throws -> [String] in
            let client = try LineClient(port: port)
            try client.send("{\"ack\":true}\n")
            return try (0..<3).map { _ in
                try client.send(line)
                return client.readLine() ?? ""
            }
        }
        #expect(acks.allSatisfy { parseJSON($0)?["accepted"] as? Int == 1 && parseJSON($0)?["rejected"] as? Int == 2 },
                "\(acks)")
        let connection = try database.connect()
        defer { connection.close() }
        let withID = try connection.query("SELECT count(*) FROM analytics.rejected_events WHERE message_id = 'rs-bad'")
        let withoutID = try connection.query("SELECT count(*) FROM analytics.rejected_events WHERE message_id IS NULL")
        #expect(withID.first?[0] == "1")
        #expect(withoutID.first?[0] == "3")
        #expect(try checkExactlyOnce(["rs-ok"], database: database, prefix: "rs-").stored == 1)
    }

    // MARK: - Helpers

    static func refusedWithID(_ id: String) -> String {
        #"{"type":"no_such_type","anonymousId":"a","messageId":"\#(id)","timestamp":"\#(faultTimestamp)"}"#
    }
    static let refusedWithoutID = #"{"type":"no_such_type","anonymousId":"a"}"#

    struct Sent {
        var accepted: [String] = []
        var rejected = 0
        var lines = 0
        var spooled = 0
    }

    /// Ack mode: each line a batch of four events, one refusal with a messageId and one without; every
    /// tenth line is followed by a line that is not JSON (refused whole). Counts what the acks say.
    static func sendMixedLines(port: Int, lines: Int) throws -> Sent {
        let client = try LineClient(port: port)
        try client.send("{\"ack\":true}\n")
        var sent = Sent()
        for n in 0..<lines {
            let ids = (0..<4).map { "dl-\(n)-\($0)" }
            var texts = ["{\"batch\":[\((ids.map { faultEvent($0) } + [refusedWithID("bad-\(n)"), refusedWithoutID]).joined(separator: ","))]}\n"]
            if n % 10 == 0 { texts.append("this is not JSON \(n)\n") }
            for text in texts {
                try client.send(text)
                guard let reply = client.readLine(), let ack = parseJSON(reply) else { throw TestSetupError("no ack") }
                sent.lines += 1
                if ack["spooled"] as? Bool == true { sent.spooled += 1 }
                sent.rejected += ack["rejected"] as? Int ?? 0
                if ack["accepted"] as? Int == 4 { sent.accepted += ids }
            }
        }
        return sent
    }

    struct Counts: Equatable {
        var events: Int
        var rejected: Int
    }

    static func counts(_ database: TestDatabase) throws -> Counts {
        let connection = try database.connect()
        defer { connection.close() }
        let events = try connection.query("SELECT count(*) FROM analytics.events").first?[0] ?? ""
        let rejected = try connection.query("SELECT count(*) FROM analytics.rejected_events").first?[0] ?? ""
        return Counts(events: Int(events) ?? -1, rejected: Int(rejected) ?? -1)
    }

    static func restore(_ copy: String, to spool: String) throws {
        try FileManager.default.removeItem(atPath: spool)
        try FileManager.default.copyItem(atPath: copy, toPath: spool)
    }

    /// Whether eventd's replay wrote refusals within 10 s (its session's last statement names the staging
    /// table; the counts cannot show it, every row being a repeat).
    static func waitForReplayToWriteRefusals(_ database: TestDatabase) async throws -> Bool {
        let connection = try database.connect()
        defer { connection.close() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let activity = try connection.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%rejected_staging%'")
            if activity.first?[0] != "0" { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}
}

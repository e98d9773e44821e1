@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// End to end over loopback against a real PostgreSQL: bytes in over TCP or UDP, rows out of
/// analytics.events and analytics.rejected_events.
@Suite(.serialized)
struct TCPAndUDPIngestTests {
    @Test func tcpEventsLandWithTheirColumnValues() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("""
                    {"type":"user_action","name":"demo_request","session_id":"session_123","properties":{"page":"/demo"}}
                    {"type":"track","event":"Order Completed","userId":"u-42","messageId":"m-1","timestamp":"2026-11-25T10:00:00.000Z","properties":{"revenue":12.5}}

                    """)
                #expect(try await database.waitForCount("SELECT count(*) FROM analytics.events", toReach: 2) == 2)
                try await daemon.stop()

                let connection = try database.connect()
                defer { connection.close() }
                let native = try connection.query("""
                    SELECT type::text, name, session_id, properties->>'page', transport::text, host(source_ip)
                    FROM analytics.events WHERE name = 'demo_request'
                    """)
                #expect(native.first?[0] == "user_action")
                #expect(native.first?[2] == "session_123")
                #expect(native.first?[3] == "/demo")
                #expect(native.first?[4] == "tcp")
                #expect(native.first?[5] == "127.0.0.0", "the sender address is anonymised by default")
                let segment = try connection.query("""
                    SELECT type::text, user_id, message_id, (properties->>'revenue')::numeric::text,
                           original_timestamp = '2026-11-25T10:00:00Z'::timestamptz
                    FROM analytics.events WHERE name = 'Order Completed'
                    """)
                #expect(segment.first?[0] == "track")
                #expect(segment.first?[1] == "u-42")
                #expect(segment.first?[2] == "m-1")
                #expect(segment.first?[3] == "12.5")
                #expect(segment.first?[4] == "t")
            }
        }
    }

    @Test func udpDatagramsWithOneEventOrSeveralLinesLand() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                sendDatagram(#"{"type":"page_view","name":"home","session_id":"s-udp"}"#, port: daemon.udpPort)
                sendDatagram("""
                    {"type":"page_view","name":"pricing","session_id":"s-udp"}
                    {"type":"page_view","name":"signup","session_id":"s-udp"}
                    """, port: daemon.udpPort)
                sendDatagram(#"{"batch":[{"type":"page_view","name":"docs","session_id":"s-udp"}]}"#, port: daemon.udpPort)
                let landed = try await database.waitForCount(
                    "SELECT count(*) FROM analytics.events WHERE session_id = 's-udp' AND transport = 'udp'", toReach: 4)
                #expect(landed == 4)
            }
        }
    }

    @Test func malformedEventIsRefusedWithItsReasonWhileItsNeighboursLand() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("""
                    {"ack":true}
                    {"batch":[{"type":"page_view","name":"a","session_id":"s1"},{"type":"no_such_type","name":"b","messageId":"bad-1"},{"type":"page_view","name":"c","session_id":"s1"}]}
                    this is not json

                    """)
                let first = try #require(client.readLine().flatMap(parseJSON))
                #expect(first["ack"] as? Int == 1)
                #expect(first["accepted"] as? Int == 2)
                #expect(first["rejected"] as? Int == 1)
                let errors = try #require(first["errors"] as? [[String: Any]])
                #expect(errors.first?["index"] as? Int == 1)
                #expect(errors.first?["messageId"] as? String == "bad-1")
                #expect(errors.first?["reason"] as? String == "invalid_event_type")
                let second = try #require(client.readLine().flatMap(parseJSON))
                #expect(second["ack"] as? Int == 2)
                #expect(second["accepted"] as? Int == 0)
                #expect((second["errors"] as? [[String: Any]])?.first?["reason"] as? String == "malformed_json")
                try await daemon.stop()

                #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE session_id = 's1'") == 2)
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE reason = 'invalid_event_type' AND message_id = 'bad-1'") == 1)
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events WHERE reason = 'malformed_json' AND transport = 'tcp'") == 1)
            }
        }
    }

    /// Numbers at the decoder's limits (up to 1,000 characters, exponents within ±1000) are stored as
    /// jsonb `numeric`, digit for digit — far beyond a Double (the fuzz target's oracle once took Foundation's
    /// refusal of an 873-digit integer for a decoder bug; Corpus/FuzzDecode/regression_numbers_beyond_double.json).
    @Test func numbersBeyondADoubleLandInJSONBDigitForDigit() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let big = String(repeating: "9", count: 873), fraction = "0." + String(repeating: "1", count: 825)
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("""
                    {"ack":true}
                    {"type":"track","event":"n","anonymousId":"a","properties":{"big":\(big),"frac":\(fraction),"e":1e1000,"tiny":-1.5E-1000}}

                    """)
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 1)
                try await daemon.stop()
                let connection = try database.connect()
                defer { connection.close() }
                let stored = try connection.query("""
                    SELECT properties->>'big', properties->>'frac',
                           (properties->>'e')::numeric = 1e1000, (properties->>'tiny')::numeric = -1.5e-1000
                    FROM analytics.events
                    """)
                #expect(stored.first?[0] == big)
                #expect(stored.first?[1] == fraction)
                #expect(stored.first?[2] == "t")
                #expect(stored.first?[3] == "t")
            }
        }
    }

    @Test func resentBatchAddsNoRows() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let batch = #"{"batch":[{"type":"track","event":"Signup","anonymousId":"a1","messageId":"msg-1","timestamp":"2026-11-25T09:00:00Z"},{"type":"track","event":"Signup","anonymousId":"a2","messageId":"msg-2","timestamp":"2026-11-25T09:00:01Z"}]}"#
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n\(batch)\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 2)
                // The resend: same line again on the same connection, and again on a new connection.
                try client.send("\(batch)\n")
                #expect(client.readLine().flatMap(parseJSON)?["accepted"] as? Int == 2, "a duplicate is acknowledged, not refused")
                let other = try LineClient(port: daemon.tcpPort)
                try other.send("{\"ack\":true}\n\(batch)\n")
                #expect(other.readLine() != nil)
                try await daemon.stop()
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 2)
                #expect(try database.scalar("SELECT count(DISTINCT event_id) FROM analytics.events") == 2)
            }
        }
    }

    @Test func cleanShutdownUnderLoadLosesNothingAcknowledged() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n")
                func sendLines(_ lines: Range<Int>) throws {
                    for line in lines {
                        var events: [String] = []
                        for i in 0..<25 {
                            events.append(#"{"type":"track","event":"Load","anonymousId":"a","messageId":"l\#(line)-\#(i)"}"#)
                        }
                        try client.send("{\"batch\":[\(events.joined(separator: ","))]}\n")
                    }
                }
                try sendLines(0..<100)
                var acknowledged = 0
                for _ in 0..<100 {
                    let ack = try #require(client.readLine().flatMap(parseJSON))
                    acknowledged += ack["accepted"] as? Int ?? 0
                }
                // More lines in flight, then SIGTERM's graceful shutdown: every line eventd read is committed
                // and acknowledged before the connection closes; lines it never read are never acknowledged.
                try sendLines(100..<200)
                async let stopping: Void = daemon.stop()
                while let line = client.readLine(), let ack = parseJSON(line) {
                    acknowledged += ack["accepted"] as? Int ?? 0
                }
                try await stopping
                #expect(acknowledged >= 25 * 100, "everything read before the shutdown began is acknowledged")
                // The promise: nothing acknowledged is lost, nothing is stored twice. (The drained connection
                // closes lingeringly, so no RST destroys acks this client has not read; the exact rows == acks
                // is asserted by senderStillSendingAtShutdownReadsEveryAckThenACleanEnd. A sender that misses
                // an ack resends, and the dedup keeps one row.)
                let rows = try database.scalar("SELECT count(*) FROM analytics.events")
                let distinct = try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events")
                #expect(rows >= acknowledged, "rows \(rows) vs acknowledged \(acknowledged): an acknowledged event is missing")
                #expect(distinct == rows, "distinct ids \(distinct) vs rows \(rows): an event is stored twice")
                #expect(rows <= 25 * 200, "rows \(rows): more than was sent")
            }
        }
    }

    /// A sender that keeps sending while eventd shuts down leaves lines eventd never reads in the
    /// connection's receive buffer; closing such a socket sends RST, which can destroy acks the sender
    /// has not read yet. eventd closes lingeringly instead: output shut down after the last ack, the
    /// unread lines read and dropped. The sender reads an ack for every committed event, then a clean
    /// end of stream, and no line cut short by the stop is stored as a refusal.
    @Test func senderStillSendingAtShutdownReadsEveryAckThenACleanEnd() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n")
                var outgoing: ArraySlice<UInt8> = []
                var linesSent = 0
                var acks = 0
                var acknowledged = 0
                var incoming = LineClient.Incoming.open
                var sendFailure: SocketFailure?
                /// Sends what the socket takes and reads what has arrived, without waiting; false if nothing moved.
                func exchange() -> Bool {
                    if outgoing.isEmpty, linesSent < 100_000 {
                        let events = (0..<4).map { #"{"type":"track","event":"Linger","anonymousId":"a","messageId":"g\#(linesSent)-\#($0)"}"# }
                        outgoing = ArraySlice("{\"batch\":[\(events.joined(separator: ","))]}\n".utf8)
                        linesSent += 1
                    }
                    var sent = 0
                    switch client.sendWithoutWaiting(outgoing) {
                    case .success(let count): sent = count
                    case .failure(let failure): sendFailure = failure
                    }
                    outgoing = outgoing.dropFirst(sent)
                    let (lines, state) = client.readLinesWithoutWaiting()
                    incoming = state
                    for line in lines {
                        acks += 1
                        acknowledged += parseJSON(line)?["accepted"] as? Int ?? 0
                    }
                    return sent > 0 || !lines.isEmpty
                }
                let deadline = ContinuousClock.now + .seconds(60)
                while acks < 50, incoming == .open, sendFailure == nil, ContinuousClock.now < deadline {
                    if !exchange() { try await Task.sleep(for: .milliseconds(1)) }
                }
                // SIGTERM's graceful shutdown while the sender goes on sending as fast as eventd reads.
                async let stopping: Void = daemon.stop()
                while incoming == .open, sendFailure == nil, ContinuousClock.now < deadline {
                    if !exchange() { try await Task.sleep(for: .milliseconds(1)) }
                }
                client.shutdownWrite()
                try await stopping

                #expect(sendFailure == nil, "the lines sent after the stop are read and dropped, not answered with a reset")
                #expect(incoming == .ended, "the connection ends with FIN after the last ack")
                #expect(acks >= 50)
                let rows = try database.scalar("SELECT count(*) FROM analytics.events")
                #expect(rows == acknowledged, "rows \(rows) vs acknowledged \(acknowledged): every committed event's ack is read")
                #expect(try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == rows)
                #expect(try database.scalar("SELECT count(*) FROM analytics.rejected_events") == 0,
                        "a line cut short by the stop is not stored as malformed")
            }
        }
    }

    /// A sender that shuts down its side after its last line (as `nc -N` does) has sent everything;
    /// it still reads an ack for every line — the last one without its newline too — then the end.
    @Test func senderThatHalfClosesAfterItsLinesReadsEveryAck() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database)) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                var text = "{\"ack\":true}\n"
                for line in 0..<50 {
                    let events = (0..<10).map { #"{"type":"track","event":"Half","anonymousId":"a","messageId":"h\#(line)-\#($0)"}"# }
                    text += "{\"batch\":[\(events.joined(separator: ","))]}\n"
                }
                text += #"{"type":"track","event":"Half","anonymousId":"a","messageId":"h-last"}"#
                try client.send(text)
                client.shutdownWrite()
                var sequences: [Int] = []
                var acknowledged = 0
                while let line = client.readLine(), let ack = parseJSON(line) {
                    sequences.append(ack["ack"] as? Int ?? 0)
                    acknowledged += ack["accepted"] as? Int ?? 0
                }
                try await daemon.stop()
                #expect(sequences == Array(1...51))
                #expect(acknowledged == 501)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 501)
            }
        }
    }

    @Test func recoversWhenItsPostgresConnectionIsKilledMidStream() async throws {
        try await withTestDatabase { database in
            try await withDaemon(await RunningDaemon.start(database: database) { config in
                config.database.applicationName = "eventd-fault-test"
                config.loader.batchRows = 50
            }) { daemon in
                let client = try LineClient(port: daemon.tcpPort)
                try client.send("{\"ack\":true}\n")
                let killer = try database.connect()
                defer { killer.close() }
                var acknowledged = 0
                for line in 0..<60 {
                    var events: [String] = []
                    for i in 0..<20 {
                        events.append(#"{"type":"track","event":"Fault","anonymousId":"a","messageId":"f\#(line)-\#(i)"}"#)
                    }
                    try client.send("{\"batch\":[\(events.joined(separator: ","))]}\n")
                    if line % 15 == 7 {
                        _ = try killer.query("""
                            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                            WHERE application_name = 'eventd-fault-test' AND datname = current_database()
                            """)
                    }
                    let ack = try #require(client.readLine().flatMap(parseJSON), "every line is acknowledged after the reconnect")
                    acknowledged += ack["accepted"] as? Int ?? 0
                }
                try await daemon.stop()
                #expect(acknowledged == 1_200)
                #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 1_200)
                #expect(try database.scalar("SELECT count(DISTINCT message_id) FROM analytics.events") == 1_200)
            }
        }
    }
}

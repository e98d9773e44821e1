@testable import EventdDaemon
import EventdCore
import Foundation
import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import Testing

/// Ack mode promises one ack per line, in order, even when the loader commits the lines' batches out
/// of order (it commits on several PostgreSQL connections at once). No sockets, no database: the
/// test plays the loader, popping the batches from the ring and completing them itself.
@Suite struct TCPAckOrderTests {
    @Test func acksAreWrittenInLineOrderWhenBatchesCompleteOutOfOrder() throws {
        let connection = try AckModeConnection()
        // Line N carries N events, so each ack's count says which line it answers.
        try connection.send("""
            {"ack":true}
            {"type":"page_view","name":"one","session_id":"s"}
            {"batch":[{"type":"page_view","name":"two","session_id":"s"},{"type":"page_view","name":"two","session_id":"s"}]}
            {"batch":[{"type":"page_view","name":"three","session_id":"s"},{"type":"page_view","name":"three","session_id":"s"},{"type":"page_view","name":"three","session_id":"s"}]}

            """)
        let batches = connection.popBatches()
        try #require(batches.count == 3)

        connection.commit(batches[2])
        #expect(try connection.readAcks().isEmpty, "ack 3 waits for acks 1 and 2")
        connection.commit(batches[0])
        #expect(try connection.readAcks().map(\.sequence) == [1], "ack 1 goes out at once; 3 still waits for 2")
        connection.commit(batches[1])
        let acks = try connection.readAcks()
        #expect(acks.map(\.sequence) == [2, 3])
        #expect(acks.map(\.accepted) == [2, 3])
    }

    @Test func aDrainingConnectionClosesOnlyOnceTheHeldBackAcksAreWritten() throws {
        let connection = try AckModeConnection()
        try connection.send("""
            {"ack":true}
            {"type":"page_view","name":"one","session_id":"s"}
            {"type":"page_view","name":"two","session_id":"s"}

            """)
        let batches = connection.popBatches()
        try #require(batches.count == 2)
        connection.channel.pipeline.fireUserInboundEventTriggered(DrainAndClose())
        connection.commit(batches[1])
        #expect(connection.channel.isActive, "ack 1 is still owed, so the connection stays open")
        #expect(try connection.readAcks().isEmpty)
        connection.commit(batches[0])
        #expect(try connection.readAcks().map(\.sequence) == [1, 2])
        #expect(!connection.channel.isActive, "every ack written: the drained connection closes")
    }

    @Test func theSequencerReleasesEachAckOnceAllEarlierOnesAre() {
        var sequencer = AckSequencer()
        let numbers = (1...4).map { _ in sequencer.issue() }
        #expect(numbers == [1, 2, 3, 4])
        #expect(sequencer.completed(2, line: [2]).isEmpty)
        #expect(sequencer.completed(4, line: [4]).isEmpty)
        #expect(sequencer.outstanding == 4)
        #expect(sequencer.completed(1, line: [1]) == [[1], [2]])
        #expect(sequencer.outstanding == 2)
        #expect(sequencer.completed(3, line: [3]) == [[3], [4]])
        #expect(sequencer.outstanding == 0)
    }
}

/// A `TCPIngestHandler` on an `EmbeddedChannel`, with the ring it feeds; single-threaded, so every
/// call must come from the test's own thread.
private struct AckModeConnection {
    struct Ack {
        var sequence: Int
        var accepted: Int
    }

    let channel = EmbeddedChannel()
    let ring = IngestRing(capacity: 16)

    init() throws {
        let pipeline = IngestPipeline(ring: ring, pool: BatchPool(), metrics: EventdMetrics(factory: TestMetrics()),
                                      limits: IngestLimits(), anonymizeIP: true, logger: Logger(label: "eventd-test"))
        try channel.pipeline.syncOperations.addHandler(pipeline.makeTCPHandler(maxLineBytes: 1 << 20))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
    }

    /// Delivers `text` as one read, as the socket would.
    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
        channel.pipeline.fireChannelReadComplete()
    }

    /// Takes every batch from the ring, as the loader would, oldest first.
    func popBatches() -> [IngestBatch] {
        var batches: [IngestBatch] = []
        while let batch = ring.tryPop() { batches.append(batch) }
        return batches
    }

    /// Completes `batch` as committed, then runs the hop to the connection's event loop.
    func commit(_ batch: IngestBatch) {
        batch.complete(.committed(refusedByDatabase: []))
        channel.embeddedEventLoop.run()
    }

    /// The ack lines written since the last call, parsed.
    func readAcks() throws -> [Ack] {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            text += buffer.readString(length: buffer.readableBytes) ?? ""
        }
        return try text.split(separator: "\n").map { line in
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Ack(sequence: try #require(json["ack"] as? Int), accepted: try #require(json["accepted"] as? Int))
        }
    }
}

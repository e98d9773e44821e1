@testable import EventdDaemon
import EventdCore
import Logging
import MetricsTestKit
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// The shared listener parts as values and `EmbeddedChannel`s: admission under the connection caps,
/// the one hand-off to the ring, and what each transport does when the ring is full. No sockets.
@Suite struct ListenerFrameworkTests {
    static func connection(from address: String, port: Int = 40_000) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: address, port: port)).wait()
        return channel
    }

    /// A ring with one free slot: the smallest ring has two, so one holds a batch already.
    static func ringWithOneFreeSlot(_ pool: BatchPool) -> IngestRing {
        let ring = IngestRing(capacity: 2)
        let filler = pool.take()
        precondition(ring.tryPush(filler) && ring.capacity == 2)
        return ring
    }

    @Test func admissionHoldsTheConnectionCapAndFreesASlotWhenAConnectionCloses() throws {
        let registry = ConnectionRegistry()
        let admission = ConnectionAdmission(maxConnections: 2)
        let first = try Self.connection(from: "192.0.2.1"), second = try Self.connection(from: "192.0.2.2")
        let third = try Self.connection(from: "192.0.2.3")
        #expect(admission.admit(first, into: registry) == .admitted)
        #expect(admission.admit(second, into: registry) == .admitted)
        #expect(admission.admit(third, into: registry) == .full)
        try first.close().wait()
        first.embeddedEventLoop.run()  // the registry hears of the close on the connection's loop
        #expect(registry.count == 1)
        #expect(admission.admit(third, into: registry) == .admitted)
    }

    @Test func admissionCapsOnePeerButNotThePeersItExempts() throws {
        let registry = ConnectionRegistry()
        let proxy = SourceAddress("192.0.2.100")!
        let admission = ConnectionAdmission(maxConnections: 10, maxPerPeer: 1, peer: { channel in
            let peer = channel.remoteAddress.flatMap(SourceAddress.init(socketAddress:))
            return peer == proxy ? nil : peer
        })
        #expect(admission.admit(try Self.connection(from: "192.0.2.1", port: 1), into: registry) == .admitted)
        #expect(admission.admit(try Self.connection(from: "192.0.2.1", port: 2), into: registry) == .peerFull)
        #expect(admission.admit(try Self.connection(from: "192.0.2.2", port: 3), into: registry) == .admitted)
        for port in 4...6 {
            #expect(admission.admit(try Self.connection(from: "192.0.2.100", port: port), into: registry) == .admitted,
                    "a trusted proxy carries many clients")
        }
    }

    @Test func theHandoffCountsWhatTheRingCannotTake() {
        let metrics = TestMetrics()
        let pool = BatchPool()
        let handoff = RingHandoff(ring: Self.ringWithOneFreeSlot(pool), pool: pool, metrics: EventdMetrics(factory: metrics))
        #expect(handoff.offer(pool.take()) == .taken)
        let refused = pool.take()
        #expect(handoff.offer(refused) == .full)
        handoff.dropRingFull(refused, events: 7)
        #expect(metrics.counters.first { $0.label == MetricName.eventsDropped && $0.dimensions.contains { $0 == ("cause", "ring_full") } }?
            .totalValue == 7)
        handoff.ring.close()
        let late = pool.take()
        #expect(handoff.offer(late) == .closed)
        let told = NIOLockedValueBox<BatchOutcome?>(nil)
        late.onCompletion { outcome, _ in told.withLockedValue { $0 = outcome } }
        handoff.dropAtShutdown(late)
        let outcome = told.withLockedValue { $0 }
        if case .failed = outcome {} else { Issue.record("a batch after the loader stopped is failed, so its sender resends it: \(String(describing: outcome))") }
    }

    @Test func aTCPConnectionStopsHandingOverWhileTheRingIsFullAndCatchesUpWhenItEmpties() throws {
        let pool = BatchPool()
        let ring = Self.ringWithOneFreeSlot(pool)
        let pipeline = IngestPipeline(ring: ring, pool: pool, metrics: EventdMetrics(factory: TestMetrics()),
                                      limits: IngestLimits(), anonymizeIP: true, logger: Logger(label: "eventd-test"))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(pipeline.makeTCPHandler(maxLineBytes: 1 << 20))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        func send(_ line: String) throws {
            try channel.writeInbound(ByteBuffer(string: line + "\n"))
            channel.pipeline.fireChannelReadComplete()
        }
        try send(#"{"type":"page_view","name":"one","session_id":"s"}"#)
        try send(#"{"type":"page_view","name":"two","session_id":"s"}"#)
        _ = ring.tryPop()  // the filler
        let first = try #require(ring.tryPop())
        #expect(first.events.rowCount == 1)
        #expect(ring.tryPop() == nil, "the second batch waited in its connection while the ring was full")
        channel.embeddedEventLoop.run()  // the ring's room signal hops to the connection's loop
        let second = try #require(ring.tryPop(), "room again: the waiting batch is handed over")
        #expect(second.events.rowCount == 1)
    }

    @Test func aUDPSocketDropsAndCountsWhatAFullRingCannotTake() throws {
        let metrics = TestMetrics()
        let pool = BatchPool()
        let ring = Self.ringWithOneFreeSlot(pool)
        let pipeline = IngestPipeline(ring: ring, pool: pool, metrics: EventdMetrics(factory: metrics),
                                      limits: IngestLimits(), anonymizeIP: true, logger: Logger(label: "eventd-test"))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(UDPIngestHandler(pipeline: pipeline, maxDatagramBytes: 65_507))
        let sender = try SocketAddress(ipAddress: "127.0.0.1", port: 40_001)
        for name in ["one", "two"] {
            let datagram = #"{"type":"page_view","name":"\#(name)","session_id":"s"}"#
            try channel.writeInbound(AddressedEnvelope(remoteAddress: sender, data: ByteBuffer(string: datagram)))
            channel.pipeline.fireChannelReadComplete()
        }
        _ = ring.tryPop()  // the filler
        #expect(ring.tryPop()?.events.rowCount == 1)
        #expect(ring.tryPop() == nil, "no backpressure on UDP: the second datagram's batch was dropped")
        #expect(metrics.counters.first { $0.label == MetricName.eventsDropped && $0.dimensions.contains { $0 == ("cause", "ring_full") } }?
            .totalValue == 1)
    }
}

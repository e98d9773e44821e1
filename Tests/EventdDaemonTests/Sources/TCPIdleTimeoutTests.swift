@testable import EventdDaemon
import EventdCore
import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import Testing

/// The idle timeout reaches the TCP handler as `IdleStateHandler`'s event and closes the connection
/// (`TCPConnectionStateMachine.idleTimedOut`); other user events pass on.
@Suite struct TCPIdleTimeoutTests {
    @Test func aReadIdleConnectionIsClosed() throws {
        let channel = EmbeddedChannel()
        let pipeline = IngestPipeline(ring: IngestRing(capacity: 4), pool: BatchPool(), metrics: EventdMetrics(factory: TestMetrics()),
                                      limits: IngestLimits(), anonymizeIP: true, logger: Logger(label: "eventd-test"))
        try channel.pipeline.syncOperations.addHandler(pipeline.makeTCPHandler(maxLineBytes: 1 << 20))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.write)
        #expect(channel.isActive, "only a read timeout closes")
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!channel.isActive)
    }
}

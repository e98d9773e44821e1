@testable import EventdDaemon
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import EventdTesting

/// A stop that comes while datagrams wait in the kernel's receive queue for eventd's UDP socket.
@Suite(.serialized)
struct UDPShutdownTests {
    /// The event loops are held busy (as under load) while a burst arrives and the stop begins, so the
    /// burst is still in the kernel's queue when the UDP source is told to close. It reads the queue
    /// empty first: every datagram is stored. (Closing at once discarded the whole queue, uncounted.)
    @Test func datagramsQueuedWhenTheStopComesAreStored() async throws {
        try await withTestDatabase { database in
            let log = LogRecorder()
            try await withDaemon(await RunningDaemon.start(database: database, tcp: false, udp: true, log: log)) { daemon in
                let queue = KernelUDPDropsReader(port: daemon.udpPort)

                let loopsFree = holdEveryEventLoop(for: .milliseconds(500))
                let sent = 100
                for i in 0..<sent {
                    sendDatagram(#"{"type":"page_view","name":"burst-\#(i)","session_id":"s-stop"}"#, port: daemon.udpPort)
                }
                let queued = try #require(queue.read())
                #expect(queued.queuedBytes > 0 && queued.drops == 0, "the burst waits in the queue, none dropped: \(queued)")

                try await daemon.stop()
                try await loopsFree.get()
                let stored: Int = try database.scalar(
                    "SELECT count(*) FROM analytics.events WHERE session_id = 's-stop' AND transport = 'udp'")
                #expect(stored == sent)
                #expect(log.lines(containing: "datagrams unread").isEmpty, "nothing was left unread")
            }
        }
    }

    /// Blocks each thread of NIO's shared event loop group for `duration`; the result completes once
    /// all are free again.
    private func holdEveryEventLoop(for duration: TimeAmount) -> EventLoopFuture<Void> {
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        let held = loops.map { loop in
            loop.submit { usleep(UInt32(duration.nanoseconds / 1_000)) }
        }
        return EventLoopFuture.andAllSucceed(held, on: loops[0])
    }
}

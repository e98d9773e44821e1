@testable import EventdDaemon
import NIOConcurrencyHelpers
import Testing

/// The wait at shutdown that keeps the UDP socket open until its receive queue is read empty, on a
/// scripted queue (what /proc would say, one value per look).
struct UDPReceiveQueueDrainTests {
    /// A queue that reports `sizes` one after another, then the last one for ever.
    private static func scripted(_ sizes: [UInt64?]) -> (drain: UDPReceiveQueueDrain, looks: NIOLockedValueBox<Int>) {
        let looks = NIOLockedValueBox(0)
        let drain = UDPReceiveQueueDrain(queuedBytes: {
            let look = looks.withLockedValue { looks in defer { looks += 1 }; return looks }
            return sizes[min(look, sizes.count - 1)]
        }, timeout: .seconds(5), pollInterval: .milliseconds(1))
        return (drain, looks)
    }

    @Test func waitsUntilTheQueueIsReadEmpty() async {
        let (drain, looks) = Self.scripted([4608, 2304, 768, 0])
        #expect(await drain.run() == 0)
        #expect(looks.withLockedValue { $0 } == 4, "looked until the queue was empty, and no longer")
    }

    @Test func anEmptyQueueClosesAtOnce() async {
        let (drain, looks) = Self.scripted([0])
        #expect(await drain.run() == 0)
        #expect(looks.withLockedValue { $0 } == 1)
    }

    @Test func aQueueKeptFullGivesUpAtTheTimeoutAndSaysWhatIsLeft() async {
        var (drain, _) = Self.scripted([9216])
        drain.timeout = .milliseconds(30)
        let started = ContinuousClock.now
        #expect(await drain.run() == 9216)
        #expect(ContinuousClock.now - started >= .milliseconds(30))
    }

    @Test func anUnreadableQueueDoesNotHoldTheShutdown() async {
        let (drain, looks) = Self.scripted([nil])
        #expect(await drain.run() == nil)
        #expect(looks.withLockedValue { $0 } == 1)
    }

    @Test func cancellationEndsTheWait() async {
        let (drain, looks) = Self.scripted([512])
        let task = Task { await drain.run() }
        task.cancel()
        #expect(await task.value == 512)
        #expect(looks.withLockedValue { $0 } <= 2, "stopped looking once cancelled, long before the timeout")
    }
}

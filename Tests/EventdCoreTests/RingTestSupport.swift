import Foundation
import Synchronization
@testable import EventdCore

/// A row-batch stand-in: who pushed it, its place in that producer's stream,
/// and the bytes it claims to pin.
struct RingTestBatch: RingElement, Equatable {
    var producer = 0
    var sequence: Int
    var byteCount = 1
}

/// The stress tests' element: a class whose fields the producer writes and
/// the consumer reads through the reference, so ThreadSanitizer checks the
/// ring's hand-off end to end, not just the ring's own slot memory.
/// `@unchecked Sendable` on purpose: only the ring's happens-before edge makes
/// the `var` fields safe.
///
/// Run TSan in release (`-c release`) too: at -Onone the slot's
/// `UnsafeMutablePointer` initialize/move run in the uninstrumented standard
/// library, and a ring with its acquire loads made relaxed passed a debug TSan
/// run but was caught by a release one.
final class RingTestStressBatch: RingElement, @unchecked Sendable {
    var producer: Int
    var sequence: Int
    var byteCount: Int

    init(producer: Int, sequence: Int, byteCount: Int) {
        self.producer = producer
        self.sequence = sequence
        self.byteCount = byteCount
    }
}

/// A reference element that counts its deinits, to check the ring releases
/// what it still holds.
final class RingTestTrackedBatch: RingElement {
    let byteCount = 1
    let deinits: RingTestCounter

    init(deinits: RingTestCounter) { self.deinits = deinits }
    deinit { deinits.add(1) }
}

/// An atomic counter shared between test threads.
final class RingTestCounter: Sendable {
    private let storage = Atomic<Int>(0)

    init() {}

    func add(_ amount: Int) { storage.add(amount, ordering: .sequentiallyConsistent) }
    var value: Int { storage.load(ordering: .sequentiallyConsistent) }
    /// Subtracts one and returns the new value.
    func decrement() -> Int { storage.subtract(1, ordering: .sequentiallyConsistent).newValue }
}

/// Runs `count` bodies, each on its own OS thread (the ring's consumer blocks
/// its thread, so Swift concurrency's pool is the wrong place), and returns
/// once every body has finished.
func runOnRingTestThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    let remaining = RingTestCounter()
    remaining.add(count)
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        for index in 0..<count {
            let thread = Thread {
                body(index)
                if remaining.decrement() == 0 { continuation.resume() }
            }
            thread.start()
        }
    }
}

/// Nanoseconds on a monotonic clock.
func ringTestNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Blocks the calling thread (a test thread, never a concurrency executor).
func ringTestSleep(milliseconds: Int) { Thread.sleep(forTimeInterval: Double(milliseconds) / 1000) }

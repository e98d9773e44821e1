/// The `onSpaceAvailable` callbacks waiting for room.
///
/// Slow path only (a producer was refused, or the consumer saw the pending flag), so a plain mutex
/// is fine; it is a pthread one (`PThreadLock`) so ThreadSanitizer can see it.
final class RingSpaceWaiters: Sendable {
    private let callbacks = PThreadLock<[@Sendable () -> Void]>([])

    /// Appends `callback`, then runs `whileLocked` before unlocking.
    func append(_ callback: @escaping @Sendable () -> Void, whileLocked: () -> Void) {
        callbacks.withLock { list in
            list.append(callback)
            whileLocked()
        }
    }

    /// Removes and returns every callback, running `whileLocked` before unlocking.
    func takeAll(whileLocked: () -> Void) -> [@Sendable () -> Void] {
        callbacks.withLock { list in
            whileLocked()
            let taken = list
            list = []  // drops the storage too: the list is usually empty
            return taken
        }
    }
}

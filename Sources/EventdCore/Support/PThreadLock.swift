#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex guarding a value, for the few slow paths in EventdCore that need a lock.
///
/// Why not `Synchronization.Mutex`: on Linux it is built on raw futex calls inside the
/// uninstrumented standard library, so ThreadSanitizer cannot see its happens-before edges and
/// reports every guarded access as a race. TSan intercepts pthread mutexes, so our TSan runs stay
/// meaningful.
///
/// `@unchecked Sendable`: `value` is only touched with `mutex` held.
final class PThreadLock<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let result = pthread_mutex_init(mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed: \(result)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

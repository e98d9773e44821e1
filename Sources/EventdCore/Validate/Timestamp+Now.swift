#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// The wall clock now, in µs since the Unix epoch: the `received_at` of everything read now.
    /// `clock_gettime` rather than `Date()`: no Foundation on the hot path, one vDSO call.
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * microsPerSecond + Int64(spec.tv_nsec) / 1_000
    }
}

import CMalloc

/// glibc malloc settings that keep eventd's resident memory near what it actually holds.
///
/// eventd's memory is bounded by design — `ring.max_bytes` of queued batches (64 MiB), the batch pool
/// (16 MiB), the loader's cut — but with glibc's defaults RSS rose well above that bound (145–172 MB
/// under a UDP flood late in a benchmark run, 120–138 MB in plain overload), because freed buffers stayed
/// in the allocator:
/// - a batch's buffers grow to 1–2 MiB under load and are freed rather than pooled; each free of such an
///   mmapped block raises glibc's dynamic mmap threshold, after which these blocks come from the heap
///   arenas, where a freed one is kept (and fragments) instead of going back to the kernel;
/// - every thread that allocates (event loops, the loader, the cooperative pool) can get an arena of its
///   own, up to 8 per core, each keeping its own free memory.
/// A fixed 1 MiB mmap threshold returns those big blocks to the kernel on free, and two arenas bound the
/// retention across threads. Measured A/B on one eventd through TCP overload, UDP flood, HTTP, UDP flood,
/// TCP acks (Benchmarks/RESULTS.md): peak RSS 100 / 86 / 49 / 86 / 55 MB, against 120 / 135 / 125 / 138 /
/// 129 MB with glibc's defaults. The price is page faults whenever a big buffer is mapped afresh (+0.8
/// µs/event in TCP overload, +1 µs on the null sink), so the batch pool keeps cut-sized batches instead of
/// freeing them (`EventdDaemon.build`): null sink 1.39 µs/event again.
///
/// An operator's own `GLIBC_TUNABLES` or `MALLOC_ARENA_MAX` / `MALLOC_MMAP_THRESHOLD_` win: nothing is
/// changed when one is set.
public enum MallocTuning {
    /// Blocks from this size up are mmapped and returned to the kernel when freed.
    public static let mmapThresholdBytes: Int32 = 1 << 20
    /// Most malloc arenas (glibc's default is 8 per core).
    public static let arenaMax: Int32 = 2

    /// Applies the settings above unless the environment tunes malloc itself; returns whether it did.
    /// Call first thing in `serve`, before threads start allocating.
    @discardableResult
    public static func apply(environment: [String: String]) -> Bool {
        #if canImport(Glibc)
        let operatorTuned = ["GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]
            .contains { environment[$0] != nil }
        guard !operatorTuned else { return false }
        return mallopt(M_MMAP_THRESHOLD, mmapThresholdBytes) == 1 && mallopt(M_ARENA_MAX, arenaMax) == 1
        #else
        return false
        #endif
    }
}

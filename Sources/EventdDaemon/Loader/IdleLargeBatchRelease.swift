/// When the loader gives the batch pool's large buffers back (`BatchPool.releaseLarge`): while no batch
/// has come out of the ring for `idleFor`. The loader asks on each idle wake-up (at least once a second),
/// so a cut's batches that come back late — a COPY that outlasted the spell — are released too.
/// A plain value with the clock passed in, so the rule is table-tested (`IdleLargeBatchReleaseTests`).
///
/// Why: the large list keeps up to half of `ring.max_bytes` of ~2 MiB buffers so that, under a flood,
/// the batches of every cut in flight are reused instead of mapped afresh (13–20 % of eventd's CPU;
/// Benchmarks/RESULTS.md, "Recycling the batches of the cuts in flight"). After the flood they only
/// hold memory: an idle eventd sat 15–22 MB above its quiet RSS. 10 s is the scaler's quiet spell
/// (`StreamScaler.Policy`: five 2 s windows) — a pause that short keeps the buffers for the next burst,
/// and mapping them again after a longer one costs a few page faults per MiB, once.
struct IdleLargeBatchRelease: Sendable {
    let idleFor: Duration
    private var lastBatchAt: ContinuousClock.Instant

    init(idleFor: Duration = .seconds(10), now: ContinuousClock.Instant) {
        self.idleFor = idleFor
        lastBatchAt = now
    }

    /// A batch came out of the ring at `now`.
    mutating func batchPopped(at now: ContinuousClock.Instant) {
        lastBatchAt = now
    }

    /// Whether the large buffers should be released: no batch for `idleFor`.
    func isDue(at now: ContinuousClock.Instant) -> Bool {
        now - lastBatchAt >= idleFor
    }
}

@testable import EventdDaemon
import Testing

/// When the loader gives the pool's large buffers back, with the clock passed in: a table of
/// (seconds after start, a batch popped then or the loader asking, what it is told).
@Suite struct IdleLargeBatchReleaseTests {
    enum Step {
        case batch(Int)
        case ask(Int, expect: Bool)
    }

    private func run(_ steps: [Step]) -> [Bool] {
        let start = ContinuousClock.now
        var rule = IdleLargeBatchRelease(idleFor: .seconds(10), now: start)
        var mismatches: [Bool] = []
        for step in steps {
            switch step {
            case .batch(let s): rule.batchPopped(at: start + .seconds(s))
            case .ask(let s, let expected): mismatches.append(rule.shouldRelease(at: start + .seconds(s)) != expected)
            }
        }
        return mismatches
    }

    @Test func releasesOnceTheRingHasBeenIdleForTheWholeSpell() {
        let mismatches = run([
            .batch(1),
            .ask(10, expect: false),  // 9 s since the last batch: a pause, not idle
            .ask(11, expect: true),
            .ask(12, expect: false),  // once per idle spell
            .ask(60, expect: false),
        ])
        #expect(mismatches == [false, false, false, false])
    }

    @Test func batchesFlowingAgainStartANewSpell() {
        let mismatches = run([
            .ask(10, expect: true),  // idle since start counts too
            .batch(20),
            .ask(25, expect: false),
            .batch(29),
            .ask(38, expect: false),  // each batch restarts the spell
            .ask(39, expect: true),
        ])
        #expect(mismatches == [false, false, false, false])
    }
}

@testable import EventdDaemon
import Testing

/// When the loader gives the pool's large buffers back, with the clock passed in.
@Suite struct IdleLargeBatchReleaseTests {
    let start = ContinuousClock.now

    @Test func dueOnceTheRingHasBeenIdleForTheWholeSpell() {
        var rule = IdleLargeBatchRelease(idleFor: .seconds(10), now: start)
        rule.batchPopped(at: start + .seconds(1))
        #expect(!rule.isDue(at: start + .seconds(10)), "9 s since the last batch: a pause, not idle")
        #expect(rule.isDue(at: start + .seconds(11)))
        #expect(rule.isDue(at: start + .seconds(60)), "still idle: a cut's batches that came back late go too")
    }

    @Test func eachBatchStartsTheSpellAgain() {
        var rule = IdleLargeBatchRelease(idleFor: .seconds(10), now: start)
        #expect(rule.isDue(at: start + .seconds(10)), "idle since start counts too")
        rule.batchPopped(at: start + .seconds(20))
        #expect(!rule.isDue(at: start + .seconds(25)))
        rule.batchPopped(at: start + .seconds(29))
        #expect(!rule.isDue(at: start + .seconds(38)))
        #expect(rule.isDue(at: start + .seconds(39)))
    }
}

@testable import EventdDaemon
import Testing

/// The loader's cut policy (group commit), with the clock passed in.
@Suite struct BatchCutterTests {
    let start = ContinuousClock.now

    @Test func nothingPendingIsNeverDue() {
        let cutter = BatchCutter(maxRows: 100)
        #expect(cutter.deadline == nil)
        #expect(!cutter.isDue(at: start + .seconds(60)))
        #expect(!cutter.isFull)
    }

    /// The default: whatever is pending is committed as soon as the ring is empty — no timer to wait for.
    @Test func withoutLingerPendingRowsAreDueAtOnceWhenTheRingIsEmpty() {
        var cutter = BatchCutter(maxRows: 5_000)
        cutter.add(rows: 1, at: start)
        #expect(!cutter.isFull, "one row does not fill the batch: the loader keeps taking from the ring")
        #expect(cutter.isDue(at: start), "the ring is empty: commit now")
    }

    /// Rows that queued during the previous COPY are taken together, up to `maxRows`.
    @Test func batchesGrowWithWhatQueuedAndAreCappedAtMaxRows() {
        var cutter = BatchCutter(maxRows: 5_000)
        for _ in 0..<49 { cutter.add(rows: 100, at: start) }
        #expect(cutter.rows == 4_900)
        #expect(!cutter.isFull)
        cutter.add(rows: 100, at: start)
        #expect(cutter.isFull, "5,000 rows: flush even though the ring holds more")
        cutter.reset()
        #expect(cutter.rows == 0)
        #expect(cutter.deadline == nil)
        #expect(!cutter.isDue(at: start + .seconds(1)))
    }

    /// `batch_delay` above zero: an idle loader waits for more rows, measured from the batch's first row.
    @Test func lingerHoldsAnOpenBatchUntilItsFirstRowHasWaitedThatLong() {
        var cutter = BatchCutter(maxRows: 5_000, linger: .milliseconds(50))
        cutter.add(rows: 10, at: start)
        cutter.add(rows: 10, at: start + .milliseconds(30))
        #expect(cutter.deadline == start + .milliseconds(50))
        #expect(!cutter.isDue(at: start + .milliseconds(49)))
        #expect(cutter.isDue(at: start + .milliseconds(50)))
    }

    @Test func aFullBatchIsDueBeforeItsLingerEnds() {
        var cutter = BatchCutter(maxRows: 100, linger: .seconds(5))
        cutter.add(rows: 100, at: start)
        #expect(cutter.isDue(at: start))
    }
}

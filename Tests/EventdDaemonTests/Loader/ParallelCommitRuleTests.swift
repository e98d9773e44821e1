@testable import EventdDaemon
import Testing

/// When a due cut commits beside a COPY already in flight (`ParallelCommitRule`), with the clock passed in.
@Suite struct ParallelCommitRuleTests {
    static let start = ContinuousClock.now
    let rule = ParallelCommitRule(minRows: 200, maxWait: .milliseconds(5))

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var rows: Int
        /// How long the cut's first row has waited.
        var waited: Duration
        var busy: Int
        var idle: Int
        var expected: ParallelCommitRule.Decision
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Group commit: with no COPY in flight a cut never waits, however small (a lone sender's ack).
        Case(name: "one row, every stream idle", rows: 1, waited: .zero, busy: 0, idle: 2, expected: .commitNow),
        Case(name: "one row, the loader thread loads itself", rows: 1, waited: .zero, busy: 0, idle: 0, expected: .commitNow),
        // The commit storm: a datagram's rows beside a busy stream keep collecting.
        Case(name: "one datagram beside a busy stream", rows: 50, waited: .zero, busy: 1, idle: 1,
             expected: .collect(until: start + .milliseconds(5))),
        Case(name: "three datagrams, 2 ms in", rows: 150, waited: .milliseconds(2), busy: 1, idle: 1,
             expected: .collect(until: start + .milliseconds(5))),
        Case(name: "small cut beside two busy of three", rows: 100, waited: .milliseconds(1), busy: 2, idle: 1,
             expected: .collect(until: start + .milliseconds(5))),
        // Worth a commit of its own: a backlog, or a request of 500 events.
        Case(name: "enough rows beside a busy stream", rows: 200, waited: .zero, busy: 1, idle: 1, expected: .commitNow),
        Case(name: "a /v1/batch of 500 beside a busy stream", rows: 500, waited: .zero, busy: 1, idle: 3, expected: .commitNow),
        // A busy stream that stalls gets help after maxWait, even for a few rows.
        Case(name: "few rows that waited maxWait", rows: 10, waited: .milliseconds(5), busy: 1, idle: 1, expected: .commitNow),
        Case(name: "few rows that waited longer", rows: 10, waited: .milliseconds(40), busy: 1, idle: 1, expected: .commitNow),
        // Every stream busy: wait for one, whatever the cut holds.
        Case(name: "every stream busy, small cut", rows: 10, waited: .milliseconds(40), busy: 2, idle: 0, expected: .waitForStream),
        Case(name: "every stream busy, big cut", rows: 4_000, waited: .zero, busy: 2, idle: 0, expected: .waitForStream),
    ]

    @Test(arguments: cases) func decides(_ c: Case) {
        let openedAt = Self.start
        #expect(rule.decide(rows: c.rows, openedAt: openedAt, now: openedAt + c.waited,
                            busyStreams: c.busy, idleStreams: c.idle) == c.expected)
    }

    /// A steady trickle beside a stream that stays busy: the cut collects until maxWait from its first
    /// row, not from the latest arrival, so a steady sender cannot hold it back for ever.
    @Test func aSteadyTrickleIsHeldAtMostMaxWaitFromTheFirstRow() {
        let openedAt = Self.start
        var rows = 0
        var now = openedAt
        var decision = ParallelCommitRule.Decision.waitForStream
        while true {
            rows += 10
            decision = rule.decide(rows: rows, openedAt: openedAt, now: now, busyStreams: 1, idleStreams: 1)
            if decision == .commitNow { break }
            #expect(decision == .collect(until: openedAt + .milliseconds(5)))
            now += .milliseconds(1)
        }
        #expect(now - openedAt == .milliseconds(5))
        #expect(rows == 60, "held for 5 ms, well short of 200 rows")
    }

    /// Rows arriving faster than one stream commits pass `minRows` and go to a second stream at once.
    @Test func aBacklogGoesBesideTheBusyStreamAsSoonAsItIsWorthACommit() {
        let openedAt = Self.start
        #expect(rule.decide(rows: 150, openedAt: openedAt, now: openedAt + .milliseconds(1), busyStreams: 1, idleStreams: 1)
                == .collect(until: openedAt + .milliseconds(5)))
        #expect(rule.decide(rows: 250, openedAt: openedAt, now: openedAt + .milliseconds(2), busyStreams: 1, idleStreams: 1)
                == .commitNow)
    }

    /// The busy stream finishing while the cut collects makes it a lone commit: no wait for maxWait.
    @Test func theBusyStreamFinishingCommitsTheCutAtOnce() {
        let openedAt = Self.start
        #expect(rule.decide(rows: 50, openedAt: openedAt, now: openedAt + .milliseconds(2), busyStreams: 1, idleStreams: 1)
                == .collect(until: openedAt + .milliseconds(5)))
        #expect(rule.decide(rows: 50, openedAt: openedAt, now: openedAt + .milliseconds(2), busyStreams: 0, idleStreams: 2)
                == .commitNow)
    }
}

@testable import EventdDaemon
import Testing

/// The periodic services' timing rules, with made-up instants (no sleeping).
struct MaintenanceScheduleTests {
    let start = ContinuousClock.now

    @Test func everyJobIsDueAtStart() {
        let schedule = PeriodicSchedule(intervals: [.seconds(300), .seconds(86_400)], start: start)
        #expect(schedule.due(at: start) == [0, 1])
    }

    @Test func theNextRunIsOneIntervalAfterTheEndOfTheLast() {
        var schedule = PeriodicSchedule(intervals: [.seconds(300), .seconds(86_400)], start: start)
        schedule.completed(0, at: start + .seconds(2))
        schedule.completed(1, at: start + .seconds(5))
        #expect(schedule.due(at: start + .seconds(301)).isEmpty)
        #expect(schedule.due(at: start + .seconds(302)) == [0])
        #expect(schedule.nextDeadline == start + .seconds(302))
    }

    @Test func anOverrunIsNotFollowedByCatchUpRuns() {
        var schedule = PeriodicSchedule(intervals: [.seconds(60)], start: start)
        schedule.completed(0, at: start + .seconds(600))  // a 10-minute run of a 1-minute job
        #expect(schedule.due(at: start + .seconds(601)).isEmpty)
        #expect(schedule.nextDeadline == start + .seconds(660))
    }

    @Test func aFromStartJobIsDueOneIntervalAfterItsStart() {
        var schedule = PeriodicSchedule(intervals: [.seconds(60), .seconds(60)], cadences: [.fromStart, .afterEnd], start: start)
        schedule.completed(0, started: start, at: start + .seconds(20))
        schedule.completed(1, started: start, at: start + .seconds(20))
        #expect(schedule.due(at: start + .seconds(60)) == [0])
        #expect(schedule.due(at: start + .seconds(80)) == [0, 1])
    }

    @Test func aFromStartJobThatOverrunsRunsOnceMoreAtOnceThenKeepsItsCadence() {
        var schedule = PeriodicSchedule(intervals: [.seconds(60)], cadences: [.fromStart], start: start)
        schedule.completed(0, started: start, at: start + .seconds(150))  // a run of 2.5 intervals
        #expect(schedule.due(at: start + .seconds(150)) == [0])
        schedule.completed(0, started: start + .seconds(150), at: start + .seconds(160))
        #expect(schedule.due(at: start + .seconds(209)).isEmpty)
        #expect(schedule.nextDeadline == start + .seconds(210))
    }

    @Test func aFailedJobIsRetriedSoonerButNeverLaterThanItsInterval() {
        var schedule = PeriodicSchedule(intervals: [.seconds(300), .seconds(10)], start: start)
        schedule.failed(0, at: start, retryAfter: .seconds(2))
        schedule.failed(1, at: start, retryAfter: .seconds(60))
        #expect(schedule.due(at: start + .seconds(2)) == [0])
        #expect(schedule.due(at: start + .seconds(10)) == [0, 1])
    }
}

import Testing
@testable import EventdCore

@Suite struct TimestampTests {
    func p(_ s: String) -> Int64? { Timestamp.parseISO8601(s) }
    func f(_ s: String) -> String? { p(s).map(Timestamp.formatted) }

    @Test func parsesZuluOffsetsAndFractions() {
        #expect(p("1970-01-01T00:00:00Z") == 0)
        #expect(f("2025-06-01T12:00:00Z") == "2025-06-01 12:00:00.000000+00")
        #expect(f("2025-06-01T12:00:00.5Z") == "2025-06-01 12:00:00.500000+00")
        #expect(f("2025-06-01T12:00:00.123456789Z") == "2025-06-01 12:00:00.123456+00")  // truncated
        #expect(f("2025-06-01 14:30:00+02:30") == "2025-06-01 12:00:00.000000+00")
        #expect(f("2025-06-01T07:00:00-0500") == "2025-06-01 12:00:00.000000+00")
        #expect(f("2025-06-01T12:00:00+00") == "2025-06-01 12:00:00.000000+00")
        #expect(f("2025-01-01T00:30:00+01:00") == "2024-12-31 23:30:00.000000+00")
        #expect(f("2025-06-01t12:00:00z") == "2025-06-01 12:00:00.000000+00")
    }

    @Test func refusesMalformedAndImpossibleDates() {
        for bad in ["2025-06-01", "2025-06-01T12:00:00", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
                    "2025-04-31T00:00:00Z", "2025-06-01T24:00:00Z", "2025-06-01T12:60:00Z", "2025-06-01T12:00:00.Z",
                    "2025-06-01T12:00:00.1234567890Z", "2025-06-01T12:00:00+2:00", "2025-06-01T12:00:00Zjunk",
                    "0000-01-01T00:00:00Z", "2025/06/01T12:00:00Z", "+2025-06-01T12:00:00Z", "2025-06-01T12:00:00+24:00"] {
            #expect(p(bad) == nil, "\(bad)")
        }
    }

    @Test func handlesLeapYearsAndLeapSeconds() {
        #expect(f("2024-02-29T00:00:00Z") == "2024-02-29 00:00:00.000000+00")
        #expect(f("2000-02-29T00:00:00Z") == "2000-02-29 00:00:00.000000+00")
        #expect(p("1900-02-29T00:00:00Z") == nil)
        #expect(f("2016-12-31T23:59:60Z") == "2017-01-01 00:00:00.000000+00")
    }

    @Test func formatsFarDatesBothSidesOfTheEpoch() {
        #expect(f("0001-01-01T00:00:00Z") == "0001-01-01 00:00:00.000000+00")
        #expect(f("9999-12-31T23:59:59.999999Z") == "9999-12-31 23:59:59.999999+00")
        #expect(f("1969-12-31T23:59:59.999999Z") == "1969-12-31 23:59:59.999999+00")
        #expect(p("1969-12-31T23:59:59.999999Z") == -1)
        #expect(p("0001-01-01T00:30:00+01:00") == nil)  // before year 1 in UTC
        #expect(p("9999-12-31T23:30:00-01:00") == nil)  // after year 9999 in UTC
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        var day = Timestamp.daysFromCivil(year: 1900, month: 1, day: 1)
        let end = Timestamp.daysFromCivil(year: 2300, month: 1, day: 1)
        while day < end {
            let (y, m, d) = Timestamp.civilFromDays(day)
            #expect(Timestamp.daysFromCivil(year: y, month: m, day: d) == day)
            day += 1
        }
    }

    @Test func skewCorrectionShiftsByTheDeviceClockError() {
        let t: Int64 = 1_000_000_000
        #expect(SkewCorrection.occurredAt(timestamp: t, sentAt: t + 5_000_000, receivedAt: t + 2_000_000) == t - 3_000_000)
        #expect(SkewCorrection.occurredAt(timestamp: t, sentAt: nil, receivedAt: 7) == t)
        #expect(SkewCorrection.occurredAt(timestamp: nil, sentAt: t, receivedAt: 7) == 7)
    }
}

@testable import EventdDaemon
import Foundation
import Testing

/// A short soak: `eventd serve` (a separate process, spool on) at a steady rate; its resident memory and
/// open descriptors must level off. `Benchmarks/soak.sh` is the long version (minutes, release build).
extension FaultTests { @Suite struct SoakTests {
    /// 20 s by default; `EVENTD_SOAK_SECONDS` changes it.
    static let duration = Int(ProcessInfo.processInfo.environment["EVENTD_SOAK_SECONDS"] ?? "") ?? 20

    /// Under AddressSanitizer (Tests/Sanitizers/run.sh), freed memory sits in ASan's quarantine (256 MiB by
    /// default) before it is reused, so RSS climbs for a while whatever eventd does — measured: +38 MiB in 15 s.
    /// A 16 MiB quarantine, within the warm-up, lets the RSS bounds below speak about eventd again; use after
    /// free is still caught for the most recent 16 MiB of frees. Without ASan the variable is ignored.
    static let addressSanitizerQuarantine = [
        "ASAN_OPTIONS": (ProcessInfo.processInfo.environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "quarantine_size_mb=16",
    ]

    @Test(.timeLimit(.minutes(3)))
    func residentMemoryAndDescriptorsStayFlatAtASteadyRate() async throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let work = TemporarySpoolDirectory()
        try FileManager.default.createDirectory(atPath: work.path, withIntermediateDirectories: true)
        defer { work.remove() }
        let eventd = try EventdProcess.start(databaseURL: database.url, spoolDirectory: work.path + "/spool",
                                             workDirectory: work.path, environment: Self.addressSanitizerQuarantine)
        let confirmed = ConfirmedIDs()
        let stop = StopFlag()
        let port = eventd.tcpPort
        // Two ack-mode senders (~2,000 events/s together) plus short-lived connections every 100 ms, so
        // that a descriptor leak per connection would show.
        let senders = (0..<2).map { sender in
            Task {
                try await onThread {
                    try runAckSender(port: port, prefix: "soak-\(sender)", eventsPerLine: 10,
                                     interval: .milliseconds(10), confirmed: confirmed, stop: stop)
                }
            }
        }
        let churn = Task {
            try await onThread { () throws -> Int in
                var n = 0
                while !stop.isStopped {
                    let client = try LineClient(port: port)
                    try client.send(faultEvent("soak-churn-\(n)") + "\n")
                    n += 1
                    Thread.sleep(forTimeInterval: 0.1)
                }
                return n
            }
        }
        let warmUp = max(5, Self.duration / 4)
        try await Task.sleep(for: .seconds(warmUp))
        let rssStart = eventd.residentKiB(), fdsStart = eventd.openDescriptors()
        var rssMax = rssStart, fdsMax = fdsStart
        for _ in warmUp..<Self.duration {
            try await Task.sleep(for: .seconds(1))
            rssMax = max(rssMax, eventd.residentKiB())
            fdsMax = max(fdsMax, eventd.openDescriptors())
        }
        let rssEnd = eventd.residentKiB(), fdsEnd = eventd.openDescriptors()
        stop.stop()
        for sender in senders { _ = try await sender.value }
        _ = try await churn.value
        #expect(eventd.terminate() == 0)

        #expect(confirmed.count > Self.duration * 500, "the load ran (\(confirmed.count) events confirmed)")
        // After warm-up, memory may wobble with malloc's arenas but not climb: 16 MiB of slack.
        #expect(rssEnd <= rssStart + 16 * 1024, "RSS \(rssStart) KiB → \(rssEnd) KiB (max \(rssMax))")
        #expect(rssMax <= rssStart + 24 * 1024, "RSS peaked at \(rssMax) KiB from \(rssStart)")
        // Descriptors: the same count, give or take connections being opened and closed at that moment.
        #expect(fdsEnd <= fdsStart + 3, "descriptors \(fdsStart) → \(fdsEnd) (max \(fdsMax))")
    }
}
}

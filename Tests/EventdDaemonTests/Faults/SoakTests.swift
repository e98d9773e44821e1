@testable import EventdDaemon
import Foundation
import Testing
@testable import EventdTesting

/// A soak: `eventd serve` (a separate process, spool on) at a steady rate over TCP with acks, HTTP and
/// UDP, plus connection churn. Every confirmed event must land exactly once, and after a warm-up its
/// resident memory and open descriptors must level off.
///
/// 20 s by default, so `swift test` alone stays quick; `EVENTD_SOAK_SECONDS` sets the length: the test
/// command's soak step runs 180 s (`deploy/dev/eventd-dev test`), `deploy/dev/soak.sh` is the by-hand
/// version with a rate of your choice.
extension FaultTests { @Suite struct SoakTests {
    static let duration = Int(ProcessInfo.processInfo.environment["EVENTD_SOAK_SECONDS"] ?? "") ?? 20

    /// Under AddressSanitizer (Tests/Sanitizers/run.sh), freed memory sits in ASan's quarantine (256 MiB by
    /// default) before it is reused, so RSS climbs for a while whatever eventd does — measured: +38 MiB in 15 s.
    /// A 16 MiB quarantine, within the warm-up, lets the RSS bounds below speak about eventd again; use after
    /// free is still caught for the most recent 16 MiB of frees. Without ASan the variable is ignored.
    static let addressSanitizerQuarantine = [
        "ASAN_OPTIONS": (ProcessInfo.processInfo.environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "quarantine_size_mb=16",
    ]

    /// Whether this build (the tests and the eventd beside them) runs under AddressSanitizer. Then RSS
    /// is reported, not judged: even with the small quarantine ASan's own allocator keeps growing for
    /// minutes — measured 2026-11-26 with two COPY lanes: 147.5 → 152.6 MB over a 180 s soak (~19 KB/s),
    /// while the same soak without ASan stays at 43.5 MB ± 0.1 (the test command's 180 s run). Leaks are
    /// judged by that plain run; under ASan this soak is for memory errors and exactly-once.
    static let underAddressSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil

    @Test(.timeLimit(.minutes(10)))
    func confirmedEventsLandOnceAndMemoryAndDescriptorsLevelOffOverTCPHTTPAndUDP() async throws {
        let workspace = try FaultWorkspace.create()
        defer { workspace.remove() }
        let udp = try freeLoopbackPort(), http = try freeLoopbackPort()
        let eventd = try EventdProcess.start(
            databaseURL: workspace.database.url, spoolDirectory: workspace.path + "/spool",
            extra: """
                [sources.udp]
                listen = "127.0.0.1:\(udp)"
                [sources.http]
                listen = "127.0.0.1:\(http)"
                require_write_key = false
                [sources.http.rate_limit]
                per_ip_per_second = 0
                per_key_per_second = 0
                """,
            environment: Self.addressSanitizerQuarantine, workDirectory: workspace.path)
        let confirmed = ConfirmedIDs()
        let stop = StopFlag()
        let tcp = eventd.tcpPort
        // Two TCP ack senders, one HTTP sender (a new connection every 50 requests), UDP datagrams, and a
        // short-lived TCP connection every 100 ms, so that a leak per connection, request or datagram would
        // show. At most ~3,000 events/s; senders wait for their acks, so ~1,600/s on the busy 2-core box.
        var load = (0..<2).map { sender in
            Task {
                try await onThread {
                    try runAckSender(port: tcp, prefix: "soak-tcp\(sender)", eventsPerLine: 10,
                                     interval: .milliseconds(10), confirmed: confirmed, stop: stop)
                }
            }
        }
        load.append(Task { try await onThread { try Self.runHTTPSender(port: http, confirmed: confirmed, stop: stop) } })
        load.append(Task { try await onThread { Self.runUDPSender(port: udp, stop: stop) } })
        load.append(Task { try await onThread { try Self.runConnectionChurn(port: tcp, stop: stop) } })

        let warmUp = max(5, Self.duration / 6)
        try await Task.sleep(for: .seconds(warmUp))
        var rss: [Int] = [], fds: [Int] = []
        for _ in warmUp..<Self.duration {
            try await Task.sleep(for: .seconds(1))
            rss.append(eventd.residentKiB())
            fds.append(eventd.openDescriptors())
        }
        stop.stop()
        for task in load { _ = try await task.value }
        #expect(eventd.terminate() == 0)

        let check = try checkExactlyOnce(confirmed.all, database: workspace.database, prefix: "soak-")
        let summary = """
            soak \(Self.duration) s: \(confirmed.count) events confirmed, \(check.stored) stored; \
            RSS KiB \(rss.first ?? -1) → \(rss.last ?? -1) (\(Levels(rss))); fds \(Levels(fds))
            """
        print(summary)
        #expect(confirmed.count > Self.duration * 300, "the load ran: \(summary)")
        #expect(check.missing.isEmpty, "confirmed but missing: \(check.missing.prefix(5)) of \(confirmed.count)")
        #expect(check.duplicated == 0, "no event is stored twice")
        // Level, not a number: the highest reading of the last third no higher than the highest of the
        // first third (after warm-up) plus some slack — for malloc arenas settling (RSS; 0.2 MiB seen over
        // 180 s), for churn connections open at that moment (fds). Over 180 s the thirds' ends are 100 s
        // apart, so a steady leak above ~20 KiB/s fails (the 25 KB/s measured before the batch pool's byte cap would have).
        if !Self.underAddressSanitizer {
            #expect(Levels(rss).lastThirdMax <= Levels(rss).firstThirdMax + 2 * 1024, "RSS climbs: \(summary)")
        }
        #expect(Levels(fds).lastThirdMax <= Levels(fds).firstThirdMax + 4, "descriptors climb: \(summary)")
    }

    /// The highest reading in the first and in the last third of a series.
    struct Levels: CustomStringConvertible {
        let firstThirdMax: Int
        let lastThirdMax: Int

        init(_ series: [Int]) {
            let third = max(1, series.count / 3)
            firstThirdMax = series.prefix(third).max() ?? 0
            lastThirdMax = series.suffix(third).max() ?? 0
        }

        var description: String { "max of first third \(firstThirdMax), of last third \(lastThirdMax)" }
    }

    /// POST /v1/batch of 20 events every 25 ms; ids confirmed on `200 {"success":true}` without errors.
    static func runHTTPSender(port: Int, confirmed: ConfirmedIDs, stop: StopFlag) throws -> Int {
        var request = 0
        var client: HTTPTestClient?
        while !stop.isStopped {
            if client == nil || request % 50 == 0 { client = try connectWithRetry(port: port) }
            let (body, ids) = faultLine(prefix: "soak-http", line: request, events: 20)
            let response = try client!.request("POST", "/v1/batch", headers: [("Content-Type", "application/json")],
                                               body: body)
            if response.status == 200, response.json?["success"] as? Bool == true, response.errors.isEmpty {
                confirmed.add(ids)
            }
            request += 1
            Thread.sleep(forTimeInterval: 0.025)
        }
        return request
    }

    /// The HTTP listener may open a moment after the TCP one that `EventdProcess.start` waited for.
    static func connectWithRetry(port: Int) throws -> HTTPTestClient {
        for _ in 0..<100 {
            if let client = try? HTTPTestClient(port: port) { return client }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try HTTPTestClient(port: port)
    }

    /// A datagram of 5 events every 10 ms (fire-and-forget: never confirmed, but never stored twice).
    static func runUDPSender(port: Int, stop: StopFlag) -> Int {
        var datagram = 0
        while !stop.isStopped {
            sendDatagram(faultLine(prefix: "soak-udp", line: datagram, events: 5).text, port: port)
            datagram += 1
            Thread.sleep(forTimeInterval: 0.01)
        }
        return datagram
    }

    /// A new TCP connection with one event every 100 ms, closed straight away.
    static func runConnectionChurn(port: Int, stop: StopFlag) throws -> Int {
        var n = 0
        while !stop.isStopped {
            let client = try LineClient(port: port)
            try client.send(faultEvent("churn-\(n)") + "\n")
            n += 1
            Thread.sleep(forTimeInterval: 0.1)
        }
        return n
    }
}
}

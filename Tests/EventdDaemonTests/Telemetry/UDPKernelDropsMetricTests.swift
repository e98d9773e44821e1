@testable import EventdDaemon
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import EventdTesting

/// `eventd serve` as its own process with a tiny UDP receive buffer, stopped (SIGSTOP) while a bounded
/// burst of datagrams arrives: the kernel queues what the buffer holds and drops the rest. Once eventd
/// runs again, every datagram sent is either a row or counted in eventd's own metrics.
@Suite(.serialized)
struct UDPKernelDropsMetricTests {
    @Test func datagramsTheKernelDropsAreCountedInEventdsMetrics() async throws {
        let workspace = try FaultWorkspace.create()
        defer { workspace.remove() }
        let udpPort = try freeLoopbackPort()
        let eventd = try EventdProcess.start(databaseURL: workspace.database.url, spoolDirectory: nil, extra: """
            [sources.udp]
            listen = "127.0.0.1:\(udpPort)"
            receive_buffer_bytes = 4096
            """, workDirectory: workspace.path)
        defer { if eventd.isRunning { kill(eventd.pid, SIGCONT); eventd.terminate() } }
        try await eventd.waitUntilReady()

        kill(eventd.pid, SIGSTOP)
        try await eventd.waitUntilStopped()
        let sent = 400
        for i in 0..<sent { sendDatagram(faultEvent("udp-drop-\(i)"), port: udpPort) }
        // Read while eventd is stopped: its socket's own counter in /proc, as the kernel keeps it.
        let droppedOnSocket = try eventd.kernelDropsOnSocket(port: udpPort)
        kill(eventd.pid, SIGCONT)

        // Every datagram holds one event: each one lands, or eventd drops it (ring full), or the kernel did.
        var accounted = (landed: 0, ringFull: 0, kernel: 0)
        let deadline = TestTimeout.deadline(after: .seconds(15))
        while ContinuousClock.now < deadline {
            let metrics = try eventd.metrics()
            accounted = (try workspace.database.scalar("SELECT count(*) FROM analytics.events"),
                         Int(metrics[#"eventd_events_dropped_total{cause="ring_full"}"#] ?? -1),
                         Int(metrics["eventd_udp_kernel_dropped_datagrams_total"] ?? -1))
            if accounted.landed + accounted.ringFull + accounted.kernel == sent { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(accounted.kernel > 0, "the burst overflowed a 4 KiB buffer: \(accounted)")
        #expect(accounted.kernel == droppedOnSocket, "the metric is the socket's own counter")
        #expect(accounted.landed > 0, "the buffer held a few datagrams: \(accounted)")
        #expect(accounted.landed + accounted.ringFull + accounted.kernel == sent, "sent \(sent): \(accounted)")
        #expect(eventd.terminate() == 0, "a clean exit; its log: \(eventd.log)")
    }
}

extension EventdProcess {
    /// Waits for `/readyz`: every listener open (the UDP one too) and PostgreSQL connected.
    func waitUntilReady() async throws {
        let deadline = TestTimeout.deadline(after: .seconds(20))
        while ContinuousClock.now < deadline {
            if (try? HTTPTestClient(port: adminPort).request("GET", "/readyz").status) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("eventd was not ready within \(TestTimeout.scaled(.seconds(20))); its log: \(log)")
    }

    /// Waits until every thread of the process is stopped (state `T` in /proc).
    func waitUntilStopped() async throws {
        let deadline = TestTimeout.deadline(after: .seconds(5))
        while ContinuousClock.now < deadline {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let states = tasks.map { task in
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8)) ?? ""
                // `pid (comm) S …`: the state follows the last ')'.
                return stat.split(separator: ")").last?.dropFirst().first
            }
            if !states.isEmpty && states.allSatisfy({ $0 == "T" }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestSetupError("eventd (pid \(pid)) did not stop on SIGSTOP")
    }

    /// The admin endpoint's `/metrics`, by series (`name{labels}`) and by name summed over labels.
    func metrics() throws -> [String: Double] {
        let response = try HTTPTestClient(port: adminPort).request("GET", "/metrics")
        var values: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            values[String(parts[0]), default: 0] += value
        }
        return values
    }

    /// Drops on the process's own UDP sockets bound to `port`, read from its /proc.
    func kernelDropsOnSocket(port: Int) throws -> Int {
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let inodes = Set(fds.compactMap {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)"))
                .flatMap(KernelUDPDrops.socketInode(fdLinkTarget:))
        })
        let table = try String(contentsOfFile: "/proc/\(pid)/net/udp", encoding: .utf8)
        let tally = KernelUDPDrops.tally(table: table, port: port, inodes: inodes)
        guard tally.sockets == 1 else { throw TestSetupError("eventd's UDP socket on \(port) not in /proc/\(pid)/net/udp") }
        return Int(tally.drops)
    }
}

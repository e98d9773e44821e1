@testable import EventdDaemon
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import EventdTesting

/// The systemd protocols as plain values: notification text, the watchdog and socket-activation
/// environments, the status line and what a reload changes. No daemon, no database.
@Suite struct SystemdProtocolTests {
    @Test func notifyMessagesAreTheAssignmentsSystemdExpects() {
        #expect(NotifyMessage.ready.text == "READY=1")
        #expect(NotifyMessage.watchdog.text == "WATCHDOG=1")
        #expect(NotifyMessage.stopping.text == "STOPPING=1")
        #expect(NotifyMessage.reloading(monotonicMicroseconds: 42).text == "RELOADING=1\nMONOTONIC_USEC=42")
        #expect(NotifyMessage.status("a\nb").text == "STATUS=a b", "a newline would start another assignment")
        guard case .reloading(let first) = NotifyMessage.reloadingNow(),
              case .reloading(let second) = NotifyMessage.reloadingNow() else { Issue.record("not reloading"); return }
        #expect(first > 0 && second >= first)
    }

    @Test func notifierReachesAbstractAndPathSockets() async throws {
        let abstract = try NotifyListener()
        #expect(abstract.notifier.send([.ready, .status("up")]))
        #expect(await abstract.waitFor { $0 == "READY=1\nSTATUS=up" } != nil)

        let path = NSTemporaryDirectory() + "eventd-notify-\(UInt32.random(in: 0 ... .max)).sock"
        defer { unlink(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(notifier.send(.watchdog))
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        #expect(n > 0 && String(decoding: buffer[..<max(n, 0)], as: UTF8.self) == "WATCHDOG=1")

        #expect(SystemdNotifier(environment: [:]) == nil, "not under systemd: no notifier")
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "vsock:2:1234"]) == nil)
    }

    @Test func watchdogIsReadOnlyForThisProcess() {
        let me = getpid()
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "30000000"], processID: me)?.pingInterval == .seconds(15))
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(me)"], processID: me) != nil)
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(me + 1)"], processID: me) == nil)
        #expect(WatchdogSettings(environment: ["WATCHDOG_USEC": "0"], processID: me) == nil)
        #expect(WatchdogSettings(environment: [:], processID: me) == nil)
    }

    @Test func inheritedSocketsAreTakenOnlyWhenPassedToThisProcess() throws {
        #expect(try InheritedSockets(environment: [:]).isEmpty)
        #expect(try InheritedSockets(environment: ["LISTEN_FDS": "3", "LISTEN_PID": "\(getpid() + 1)",
                                                   "LISTEN_FDNAMES": "tcp:udp:http"]).isEmpty,
                "LISTEN_PID names another process: its sockets are not ours")
        #expect(throws: SocketActivationError.self) {
            try InheritedSockets(environment: ["LISTEN_FDS": "three", "LISTEN_PID": "\(getpid())"])
        }
    }

    @Test func inheritedSocketsMustBeNamedAndOfTheirKind() throws {
        let sockets = try ActivationSockets.make()
        defer { for i in 0..<3 { close(sockets.firstDescriptor + CInt(i)) } }
        let adopted = try sockets.inheritedSockets()
        #expect(adopted.names == ["http", "tcp", "udp"])
        #expect(adopted.descriptor(.udp) == sockets.firstDescriptor + 1)
        #expect(fcntl(sockets.firstDescriptor + 1, F_GETFL) & O_NONBLOCK != 0, "adopted sockets are made non-blocking")

        var environment = sockets.environment
        environment["LISTEN_FDNAMES"] = "eventd.socket:udp:http"
        let unnamed = #expect(throws: SocketActivationError.self) {
            try InheritedSockets(environment: environment, testOnly_firstDescriptor: sockets.firstDescriptor)
        }
        #expect(unnamed?.code == .unknownName)
        #expect(unnamed?.description.contains("FileDescriptorName=") == true)

        environment["LISTEN_FDNAMES"] = "udp:tcp:http"
        let swapped = #expect(throws: SocketActivationError.self) {
            try InheritedSockets(environment: environment, testOnly_firstDescriptor: sockets.firstDescriptor)
        }
        #expect(swapped?.code == .wrongSocketType, "a stream socket named udp is refused")
    }

    @Test func statusLineShowsReadinessAndLiveCounts() {
        let health = DaemonHealth()
        health.expectListener()
        #expect(StatusLine(health: health, ringBatches: 0).text
                == "not ready (PostgreSQL is not connected): 0 listeners, 0 events committed (0 duplicates), ring 0 batches")
        health.setDatabaseConnected(true)
        health.listenerOpened()
        health.recordCommitted(inserted: 120, duplicates: 3)
        #expect(StatusLine(health: health, ringBatches: 2).text
                == "ready: 1 listener, 120 events committed (3 duplicates), ring 2 batches")
    }

    @Test func reloadSeparatesLiveKeysFromKeysNeedingARestart() {
        let old = EventdConfig()
        var new = old
        new.log.level = .debug
        new.limits.maxEventBytes = 1_000
        new.loader.batchRows = 10
        new.sources.http.rateLimit.perIPBurst = 5
        new.sources.tcp.listen = ListenAddress(host: "127.0.0.1", port: 9_999)
        new.ring.capacity = 8
        new.loader.connections = 8
        let changes = ConfigChanges(from: old, to: new)
        #expect(changes.live == ["sources.http.rate_limit.per_ip_burst", "limits.max_event_bytes", "loader.batch_rows", "log.level"])
        #expect(changes.needRestart == ["sources.tcp.listen", "ring.capacity", "loader.connections"])
        #expect(ConfigChanges(from: old, to: old).isEmpty)

        let running = old.applyingLiveSettings(of: new)
        #expect(running.loader.batchRows == 10 && running.log.level == .debug)
        #expect(running.sources.tcp.listen == nil && running.ring.capacity == old.ring.capacity
                    && running.loader.connections == old.loader.connections,
                "keys needing a restart keep their running values")
        #expect(ConfigChanges(from: running, to: new).needRestart == ["sources.tcp.listen", "ring.capacity", "loader.connections"],
                "still reported on the next reload")
    }
}

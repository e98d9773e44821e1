@testable import EventdDaemon
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plays systemd's side of `NOTIFY_SOCKET`: a unix datagram socket in the abstract namespace that
/// collects what eventd sends.
final class NotifyListener: @unchecked Sendable {
    let name: String
    private let fd: Int32
    private let lock = NSLock()
    private var seen: [String] = []

    init() throws {
        name = "@eventd-test-notify-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        path[0] = 0
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestSetupError("cannot bind the notify socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    var notifier: SystemdNotifier { SystemdNotifier(socketName: name)! }

    /// Every datagram received so far, oldest first.
    var messages: [String] {
        drain()
        return lock.withLock { seen }
    }

    /// Waits until a datagram satisfies `match`; returns it, or nil after `timeout` (scaled, see TestTimeout).
    func waitFor(timeout: Duration = .seconds(10), _ match: (String) -> Bool) async -> String? {
        let deadline = TestTimeout.deadline(after: timeout)
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: match) { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { return }
            let text = String(decoding: buffer[..<n], as: UTF8.self)
            lock.withLock { seen.append(text) }
        }
    }
}

/// Listening sockets made the way systemd makes them for `eventd.socket` and friends, moved to a block
/// of consecutive descriptors as `LISTEN_FDS` requires, with the environment systemd would set.
struct ActivationSockets {
    let firstDescriptor: CInt
    let environment: [String: String]
    let tcpPort: Int
    let udpPort: Int
    let httpPort: Int

    /// Makes TCP, UDP and HTTP sockets on 127.0.0.1 (ephemeral ports), in that order.
    static func make() throws -> ActivationSockets {
        let tcp = try boundSocket(type: SOCK_STREAM)
        let udp = try boundSocket(type: SOCK_DGRAM)
        let http = try boundSocket(type: SOCK_STREAM)
        // Descriptors 3, 4, … belong to the test runner; find three free ones in a row higher up.
        let first = try freeBlock(count: 3)
        for (offset, socket) in [tcp.fd, udp.fd, http.fd].enumerated() {
            guard dup2(socket, first + CInt(offset)) >= 0 else { throw TestSetupError("dup2 failed: errno \(errno)") }
            close(socket)
        }
        return ActivationSockets(
            firstDescriptor: first,
            environment: ["LISTEN_FDS": "3", "LISTEN_PID": "\(getpid())", "LISTEN_FDNAMES": "tcp:udp:http"],
            tcpPort: tcp.port, udpPort: udp.port, httpPort: http.port)
    }

    func inheritedSockets() throws -> InheritedSockets {
        try InheritedSockets(environment: environment, testOnly_firstDescriptor: firstDescriptor)
    }

    private static func boundSocket(type: __socket_type) throws -> (fd: CInt, port: Int) {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard result == 0 else { throw TestSetupError("cannot bind a socket on 127.0.0.1: errno \(errno)") }
        if type == SOCK_STREAM { guard listen(fd, 128) == 0 else { throw TestSetupError("listen failed: errno \(errno)") } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func freeBlock(count: Int) throws -> CInt {
        for _ in 0..<50 {
            let start = CInt.random(in: 700...980)
            if (0..<count).allSatisfy({ fcntl(start + CInt($0), F_GETFD) == -1 }) { return start }
        }
        throw TestSetupError("no free block of \(count) descriptors")
    }
}

/// A config file of the test's own, rewritten as the test goes, for SIGHUP reloads.
final class TemporaryConfigFile: @unchecked Sendable {
    let path: String

    init(_ text: String) throws {
        path = NSTemporaryDirectory() + "eventd-test-\(UInt32.random(in: 0 ... .max)).toml"
        try write(text)
    }

    func write(_ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// What `eventd serve` does on SIGHUP: the file, then the environment.
    var load: @Sendable () throws -> EventdConfig {
        { [path] in try EventdConfig.load(fileAt: path, environment: [:]) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

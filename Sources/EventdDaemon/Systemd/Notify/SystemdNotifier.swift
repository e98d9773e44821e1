#if canImport(Glibc)
import Glibc
#endif

/// Speaks systemd's notification protocol (`sd_notify(3)`) without libsystemd: each message is one
/// datagram on the `AF_UNIX` socket named by `NOTIFY_SOCKET` — a path, or `@name` for the abstract
/// namespace.
///
/// Outside systemd (`NOTIFY_SOCKET` unset) there is no notifier and nothing is sent. Sending never
/// blocks and never fails the daemon: a lost notification is systemd's timeout to report, not ours.
public final class SystemdNotifier: Sendable {
    /// The socket address as given in `NOTIFY_SOCKET`.
    public let socketName: String
    private let fd: Int32
    private let address: sockaddr_un
    private let addressLength: socklen_t

    /// The notifier for `environment["NOTIFY_SOCKET"]`; nil when it is unset, empty, or not a unix socket
    /// address (systemd also allows `vsock:`, which eventd does not need).
    public convenience init?(environment: [String: String]) {
        guard let name = environment["NOTIFY_SOCKET"], !name.isEmpty else { return nil }
        self.init(socketName: name)
    }

    /// A notifier sending to `socketName` (`/run/systemd/notify`, or `@abstract-name`).
    public init?(socketName: String) {
        guard socketName.hasPrefix("/") || socketName.hasPrefix("@") else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketName.utf8)
        // An abstract address starts with a NUL byte instead of '@' and is not NUL-terminated.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        // Path sockets count the terminating NUL (sun_path was zeroed); abstract ones must not.
        let length = pathOffset + path.count + (path.first == 0 ? 0 : 1)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.socketName = socketName
        self.fd = fd
        self.address = address
        self.addressLength = socklen_t(length)
    }

    deinit { close(fd) }

    /// Sends one message; returns whether the datagram was sent.
    @discardableResult
    public func send(_ message: NotifyMessage) -> Bool {
        send(text: message.text)
    }

    /// Sends several assignments in one datagram, e.g. `READY=1` with a `STATUS=`.
    @discardableResult
    public func send(_ messages: [NotifyMessage]) -> Bool {
        send(text: messages.map(\.text).joined(separator: "\n"))
    }

    private func send(text: String) -> Bool {
        var address = self.address
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, addressLength)
                }
            }
        }
        return sent == bytes.count
    }
}

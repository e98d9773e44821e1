#if canImport(Glibc)
import Glibc
#endif

/// The listening sockets systemd passed to eventd (`eventd.socket`), by name.
///
/// systemd hands them over as descriptors 3, 4, … with `LISTEN_FDS` (how many), `LISTEN_PID` (for which
/// process) and `LISTEN_FDNAMES` (colon-separated names from `FileDescriptorName=`); see
/// `sd_listen_fds(3)`. eventd names them `tcp`, `udp` and `http`; a source whose name is present adopts
/// that socket instead of binding its `listen` address, so a restart of eventd drops no connection
/// attempt: the kernel queues them on the socket systemd keeps open. Without `LISTEN_FDS` nothing
/// changes.
public struct InheritedSockets: Sendable, Equatable {
    /// `FileDescriptorName=` values eventd understands.
    public enum Name: String, Sendable, CaseIterable {
        case tcp, udp, http
    }

    private var descriptors: [Name: CInt]

    /// No inherited sockets: every source binds its configured address.
    public init() {
        descriptors = [:]
    }

    /// The sockets passed to this process, or none when `LISTEN_FDS` is unset or `LISTEN_PID` names another
    /// process.
    ///
    /// - Parameters:
    ///   - processID: the pid `LISTEN_PID` must name.
    ///   - testOnly_firstDescriptor: where the descriptors start; systemd always uses 3 (`SD_LISTEN_FDS_START`).
    ///     Tests pass the start of a block of descriptors they made, since 3… belong to the test runner.
    /// - Throws: `SocketActivationError` for a malformed environment, a name eventd does not know, or a
    ///   socket of the wrong kind. Each adopted descriptor is made non-blocking and close-on-exec.
    public init(environment: [String: String], processID: pid_t = getpid(),
                testOnly_firstDescriptor: CInt = 3) throws(SocketActivationError) {
        self.init()
        guard let countText = environment["LISTEN_FDS"], !countText.isEmpty else { return }
        guard let count = Int(countText), count >= 0 else {
            throw SocketActivationError(.malformedEnvironment, "LISTEN_FDS '\(countText)' is not a count")
        }
        if let pidText = environment["LISTEN_PID"], !pidText.isEmpty {
            guard let pid = pid_t(pidText) else {
                throw SocketActivationError(.malformedEnvironment, "LISTEN_PID '\(pidText)' is not a process id")
            }
            // Meant for another process (inherited through a fork/exec): not ours to take.
            guard pid == processID else { return }
        }
        let names = (environment["LISTEN_FDNAMES"] ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        for index in 0..<count {
            let fd = testOnly_firstDescriptor + CInt(index)
            let given = index < names.count ? names[index] : ""
            guard let name = Name(rawValue: given) else {
                throw SocketActivationError(.unknownName, """
                    descriptor \(fd) is named '\(given)'; give each socket in eventd.socket \
                    FileDescriptorName=tcp, udp or http
                    """)
            }
            guard descriptors[name] == nil else {
                throw SocketActivationError(.unknownName, "two sockets are named '\(name.rawValue)'")
            }
            try Self.check(fd, name: name)
            descriptors[name] = fd
        }
    }

    /// The descriptor named `name`, if systemd passed one.
    public func descriptor(_ name: Name) -> CInt? { descriptors[name] }

    /// The names received, sorted, for the start-up log.
    public var names: [String] { descriptors.keys.map(\.rawValue).sorted() }

    public var isEmpty: Bool { descriptors.isEmpty }

    private static func check(_ fd: CInt, name: Name) throws(SocketActivationError) {
        var type: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else {
            throw SocketActivationError(.wrongSocketType, "descriptor \(fd) ('\(name.rawValue)') is not a socket (errno \(errno))")
        }
        switch name {
        case .tcp, .http:
            var listening: CInt = 0
            length = socklen_t(MemoryLayout<CInt>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length)
            guard type == CInt(SOCK_STREAM.rawValue), listening == 1 else {
                throw SocketActivationError(.wrongSocketType,
                                            "'\(name.rawValue)' (descriptor \(fd)) must be a listening stream socket: ListenStream=")
            }
        case .udp:
            guard type == CInt(SOCK_DGRAM.rawValue) else {
                throw SocketActivationError(.wrongSocketType,
                                            "'udp' (descriptor \(fd)) must be a datagram socket: ListenDatagram=")
            }
        }
        // systemd passes sockets blocking unless NonBlocking=yes; NIO's datagram channel expects
        // non-blocking. Close-on-exec: eventd starts no children, but nothing should inherit these.
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0,
              fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else {
            throw SocketActivationError(.descriptorUnusable, "descriptor \(fd) ('\(name.rawValue)'): fcntl failed, errno \(errno)")
        }
    }
}

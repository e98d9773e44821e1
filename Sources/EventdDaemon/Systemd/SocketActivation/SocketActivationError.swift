/// Why the sockets systemd passed (`LISTEN_FDS`) cannot be used. eventd refuses to start rather than
/// leave a socket systemd holds open unserved, where connections would queue and never be answered.
public struct SocketActivationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// `LISTEN_FDS` or `LISTEN_PID` is not a number.
        case malformedEnvironment = "malformed_environment"
        /// A socket's name (`FileDescriptorName=`) is not one of `tcp`, `udp`, `http`, or appears twice.
        case unknownName = "unknown_name"
        /// A socket is not of the kind its name promises (`tcp`/`http`: a listening stream; `udp`: datagram).
        case wrongSocketType = "wrong_socket_type"
        /// `fcntl` failed on an inherited descriptor.
        case descriptorUnusable = "descriptor_unusable"
    }

    public var code: Code
    public var description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = "socket activation: " + description
    }
}

import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// How a source gets its listening socket: adopted from systemd, or bound here, optionally with
/// `SO_REUSEPORT` so that several eventd processes on one host share the port (the kernel spreads
/// connections and datagrams across them by a hash of the sender's address).
struct ListenerBinding: Sendable {
    var host: String
    var port: Int
    var reusePort: Bool
    /// A socket inherited through socket activation; when set, `host`, `port` and `reusePort` are
    /// not used (the socket unit decides them).
    var inheritedDescriptor: CInt?
}

extension ChannelOptions {
    /// `SO_REUSEPORT`, which NIO has no named option for.
    static let reusePort = ChannelOptions.socketOption(.init(rawValue: SO_REUSEPORT))
}

extension ServerBootstrap {
    /// Binds, or adopts the inherited listening socket.
    func listen(_ binding: ListenerBinding) async throws -> any Channel {
        if let fd = binding.inheritedDescriptor {
            return try await withBoundSocket(fd).get()
        }
        let bootstrap = binding.reusePort ? serverChannelOption(ChannelOptions.reusePort, value: 1) : self
        return try await bootstrap.bind(host: binding.host, port: binding.port).get()
    }
}

extension DatagramBootstrap {
    /// Binds, or adopts the inherited datagram socket.
    func listen(_ binding: ListenerBinding) async throws -> any Channel {
        if let fd = binding.inheritedDescriptor {
            return try await withBoundSocket(fd).get()
        }
        let bootstrap = binding.reusePort ? channelOption(ChannelOptions.reusePort, value: 1) : self
        return try await bootstrap.bind(host: binding.host, port: binding.port).get()
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket of this test process on 127.0.0.1 and a free port, never read unless asked: what the
/// kernel cannot queue in its receive buffer, it drops and counts against the socket.
final class BoundUDPSocket {
    let fd: Int32
    let port: Int

    init(receiveBufferBytes: Int32? = nil) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket(): errno \(errno)") }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        guard let port = bindToFreeLoopbackPort(fd) else { close(fd); throw TestSetupError("bind 127.0.0.1:0: errno \(errno)") }
        self.fd = fd
        self.port = port
    }

    deinit { close(fd) }

    /// Reads every queued datagram without waiting; returns how many there were.
    func drain() -> Int {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var count = 0
        while buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }) >= 0 {
            count += 1
        }
        return count
    }
}

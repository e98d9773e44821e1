import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback TCP client for tests: send lines, read reply lines (ack mode).
final class LineClient {
    private let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int) throws {
        fd = try connectedLoopbackSocket(port: port, receiveTimeoutSeconds: 20)
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestSetupError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads one reply line (without its newline); nil on timeout or EOF.
    func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// How the connection's incoming side stands after a non-blocking read.
    enum Incoming: Equatable {
        case open
        /// The server closed (FIN): every byte it sent has been read.
        case ended
        /// The read failed, e.g. `ECONNRESET` after an RST from the server.
        case failed(SocketFailure)
    }

    /// Sends as much of `bytes` as the socket takes without waiting; returns how many it took (0 while
    /// its buffers are full), or the `errno` of a failed send (`ECONNRESET`, `EPIPE`: the server reset
    /// or closed the connection).
    func sendWithoutWaiting(_ bytes: ArraySlice<UInt8>) -> Result<Int, SocketFailure> {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if sent >= 0 { return .success(sent) }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .success(0) : .failure(SocketFailure(errno: errno))
    }

    /// The reply lines that have arrived, read without waiting, and how the incoming side stands.
    func readLinesWithoutWaiting() -> (lines: [String], incoming: Incoming) {
        var lines: [String] = []
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            let incoming: Incoming
            if n > 0 {
                pending.append(contentsOf: chunk[..<n])
                continue
            } else if n == 0 {
                incoming = .ended
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                incoming = .open
            } else {
                incoming = .failed(SocketFailure(errno: errno))
            }
            while let newline = pending.firstIndex(of: 0x0A) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
            return (lines, incoming)
        }
    }
}

/// A socket call that failed, with its `errno`.
struct SocketFailure: Error, Equatable {
    var errno: Int32
}

/// Sends one UDP datagram to 127.0.0.1:`port`.
func sendDatagram(_ text: String, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { buffer in
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}

/// Parses an ack line into a dictionary (test-side only; Foundation is fine here).
func parseJSON(_ line: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

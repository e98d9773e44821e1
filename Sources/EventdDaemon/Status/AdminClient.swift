#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.0 GET against eventd's admin listener, for `eventd status`: one request, read to the
/// end, bounded in time. Blocking sockets on purpose — a command-line tool asking loopback for a page
/// of text needs no event loop.
public struct AdminClient: Sendable {
    public let host: String
    public let port: Int
    public var timeoutSeconds = 3

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public struct Response: Sendable {
        public let status: Int
        public let body: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public func get(_ path: String) throws(Failure) -> Response {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw Failure(description: "no eventd admin endpoint at \(host):\(port) (\(String(cString: strerror(errno))))")
        }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: \(host)\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw Failure(description: "could not send the request to \(host):\(port)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        // Until the end of the stream, or of the body its Content-Length announces (the admin server
        // keeps the connection open after answering).
        while Self.expectedLength(of: bytes).map({ bytes.count < $0 }) ?? true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else {
                if errno == EINTR { continue }
                throw Failure(description: "reading from \(host):\(port): \(String(cString: strerror(errno)))")
            }
            bytes += chunk[..<n]
        }
        return try Self.parse(bytes, from: "\(host):\(port)")
    }

    /// Head plus body bytes, once the head is complete and names a Content-Length.
    static func expectedLength(of bytes: [UInt8]) -> Int? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) else { return nil }
        return end + 4 + length
    }

    static func parse(_ bytes: [UInt8], from address: String) throws(Failure) -> Response {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw Failure(description: "\(address) did not answer with HTTP")
        }
        let statusLine = text[..<split.lowerBound].prefix { $0 != "\r" }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw Failure(description: "\(address) did not answer with HTTP")
        }
        return Response(status: status, body: String(text[split.upperBound...]))
    }
}

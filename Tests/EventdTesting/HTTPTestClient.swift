import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client over one loopback TCP connection, written on raw sockets so tests
/// control every byte (slow heads, pipelining, bodies that lie about their encoding).
final class HTTPTestClient {
    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
        var errors: [[String: Any]] { json?["errors"] as? [[String: Any]] ?? [] }
    }

    private let fd: Int32
    private var pending: [UInt8] = []
    let port: Int

    init(port: Int, timeoutSeconds: Int = 20) throws {
        self.port = port
        fd = try connectedLoopbackSocket(port: port, receiveTimeoutSeconds: timeoutSeconds)
    }

    deinit { close(fd) }

    /// Sends raw bytes; false if the server has closed the connection.
    @discardableResult
    func sendRaw(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends one request. `Content-Length` is added for a body unless `headers` already set framing.
    @discardableResult
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) -> Bool {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let framed = headers.contains { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }
        if let body, !framed { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return sendRaw(Array(head.utf8) + (body ?? []))
    }

    /// Sends a request and reads its response.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) throws -> Response {
        try request(method, path, headers: headers, bytes: body.map { Array($0.utf8) })
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], bytes: [UInt8]?) throws -> Response {
        send(method, path, headers: headers, body: bytes)
        guard let response = readResponse() else { throw TestSetupError("no response to \(method) \(path)") }
        return response
    }

    /// Reads one response (Content-Length framed, as eventd always answers); nil on EOF or timeout.
    func readResponse() -> Response? {
        while true {
            if let end = find([0x0D, 0x0A, 0x0D, 0x0A]) {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
                let headers = lines.compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
                while pending.count < end + 4 + length {
                    guard receive() else { return nil }
                }
                let body = Array(pending[(end + 4)..<(end + 4 + length)])
                pending.removeSubrange(..<(end + 4 + length))
                if status == 100 { continue }
                return Response(status: status, headers: headers, body: body)
            }
            guard receive() else { return nil }
        }
    }

    /// Whether the server closed the connection (EOF) within the receive timeout.
    func isClosedByServer() -> Bool {
        readToEnd() == 0 || errno == ECONNRESET
    }

    /// Whether the server has sent something not read yet (without waiting).
    func hasBytesWaiting() -> Bool {
        if !pending.isEmpty { return true }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }

    /// Ends this side (as a client does when done) and reads to the end of the stream: true for a
    /// clean end (FIN), false for a reset or a timeout.
    func finishEndsWithFIN() -> Bool {
        shutdown(fd, Int32(SHUT_WR))
        return readToEnd() == 0
    }

    /// Reads into `pending` until the stream ends; returns recv's last result: 0 at a clean end (FIN),
    /// -1 at a reset or a timeout (errno says which).
    private func readToEnd() -> Int {
        while true {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return n }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    private func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        pending.append(contentsOf: chunk[..<n])
        return true
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0...(pending.count - needle.count) where pending[i] == needle[0] && Array(pending[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}

/// `Authorization: Basic` with `key` as the user and an empty password, as Segment's libraries send it.
func basicAuth(_ key: String) -> (String, String) {
    ("Authorization", "Basic " + Data("\(key):".utf8).base64EncodedString())
}

/// gzip of `bytes` (`format: "deflate"`: the zlib-wrapped stream HTTP's `deflate` means), made with the system's `gzip`.
func compress(_ bytes: [UInt8], format: String = "gzip") throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -c -n"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let gzip = [UInt8](data)
    if format == "gzip" { return gzip }
    // gzip = 10-byte header + raw deflate + CRC32 + ISIZE; zlib = 0x78 0x9C + raw deflate + Adler-32 (big-endian).
    let raw = Array(gzip[10..<(gzip.count - 8)])
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in bytes { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    let adler = b << 16 | a
    return [0x78, 0x9C] + raw + [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
}

// Responses are handed from the blocking client's thread back to the test (e.g. ConsoleTestDaemon.get).
extension HTTPTestClient.Response: @unchecked Sendable {}

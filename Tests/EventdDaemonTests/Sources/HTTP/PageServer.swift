import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif
@testable import EventdTesting

/// A tiny HTTP server on 127.0.0.1 that answers a GET with the file set for its path (`files`),
/// else with one HTML page (and 404 for /favicon.ico): a second origin for the browser tests. One
/// connection at a time, on its own thread, until `stop()`.
final class PageServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let html = NIOLockedValueBox("")
    private let paths = NIOLockedValueBox([String: (contentType: String, body: String)]())
    private let thread: Thread

    var page: String {
        get { html.withLockedValue { $0 } }
        set { html.withLockedValue { $0 = newValue } }
    }

    /// Bodies by path (without the query), with their content type.
    var files: [String: (contentType: String, body: String)] {
        get { paths.withLockedValue { $0 } }
        set { paths.withLockedValue { $0 = newValue } }
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard let port = bindToFreeLoopbackPort(fd), listen(fd, 16) == 0 else {
            close(fd)
            throw TestSetupError("page server cannot listen: errno \(errno)")
        }
        self.fd = fd
        self.port = port
        let html = self.html
        let paths = self.paths
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }  // the listening socket was closed
                var timeout = TestTimeout.receiveTimeout(seconds: 5)
                setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var request: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while !request.isEmpty ? String(decoding: request, as: UTF8.self).contains("\r\n\r\n") == false : true {
                    let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { break }
                    request.append(contentsOf: chunk[..<n])
                }
                let line = String(decoding: request.prefix(2_000), as: UTF8.self)
                let target = line.split(separator: " ").dropFirst().first.map { String($0.prefix { $0 != "?" }) } ?? "/"
                let file = paths.withLockedValue { $0[target] }
                let body = file?.body ?? (line.hasPrefix("GET /favicon") ? "" : html.withLockedValue { $0 })
                let status = body.isEmpty ? "404 Not Found" : "200 OK"
                let type = file?.contentType ?? "text/html; charset=utf-8"
                let response = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n"
                    + "Connection: close\r\n\r\n" + body
                _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

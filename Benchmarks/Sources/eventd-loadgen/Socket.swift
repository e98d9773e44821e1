import BenchSupport

#if canImport(Glibc)
import Glibc
#endif

/// A blocking socket: the load generator runs one thread per connection, so plain syscalls are the
/// cheapest way to keep the sender's CPU use far below the daemon's.
struct Socket {
    let fd: Int32

    /// Resolves `host` (numeric or name) and connects; nil on failure.
    enum Kind { case stream, datagram }

    static func connect(host: String, port: UInt16, kind: Kind) -> Socket? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(kind == .stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                    let s = Socket(fd: fd)
                    if kind == .stream { s.setOption(Int32(IPPROTO_TCP), Int32(TCP_NODELAY), 1) }
                    return s
                }
                Glibc.close(fd)
            }
            info = ai.pointee.ai_next
        }
        return nil
    }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var v = value
        setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Writes every byte (blocking); false on error.
    func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
    }

    /// One datagram; false when the kernel refused it.
    func sendDatagram(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in Glibc.send(fd, raw.baseAddress!, raw.count, 0) == raw.count }
    }

    /// Reads what is available into `buffer` (appending); returns bytes read, 0 at EOF, -1 on error or timeout.
    func read(into buffer: inout [UInt8], max: Int = 64 * 1024) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: max))
        let n = buffer.withUnsafeMutableBytes { raw in Glibc.recv(fd, raw.baseAddress! + start, max, 0) }
        buffer.removeLast(max - Swift.max(n, 0))
        return n
    }

    /// Makes reads give up after `ns` (so a silent peer cannot hang the run).
    func setReadTimeout(ns: Int64) {
        var tv = timeval(tv_sec: Int(ns / 1_000_000_000), tv_usec: Int((ns % 1_000_000_000) / 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
    func close() { Glibc.close(fd) }
}

/// Finds `"key":<integer>` in `line` (ack lines are flat and small).
func integerField(_ key: String, in line: ArraySlice<UInt8>) -> Int? {
    let needle = Array("\"\(key)\":".utf8)
    guard line.count >= needle.count else { return nil }
    var i = line.startIndex
    while i <= line.endIndex - needle.count {
        if line[i] == needle[0] && line[i..<(i + needle.count)].elementsEqual(needle) {
            var j = i + needle.count
            var value = 0
            var digits = 0
            while j < line.endIndex, line[j] >= 0x30, line[j] <= 0x39 {
                value = value * 10 + Int(line[j] - 0x30); j += 1; digits += 1
            }
            return digits > 0 ? value : nil
        }
        i += 1
    }
    return nil
}

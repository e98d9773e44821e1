import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of one input of `eventd import`: a file or standard input (`-`), plain or gzip
/// (recognised by its magic bytes, so `.gz` needs no flag; concatenated members are read through).
/// Read in large chunks; how far the file has been read (compressed bytes) drives the progress bar.
final class ImportInput {
    let name: String
    /// Size of the file on disk; nil for standard input or a pipe.
    let sizeOnDisk: Int?
    /// Bytes read from the file (compressed bytes for gzip).
    private(set) var consumed = 0
    private let fd: Int32
    private var raw = [UInt8](repeating: 0, count: 1 << 20)
    private var inflater: BodyInflater?
    private var output = ByteBuffer()
    private var pending: ArraySlice<UInt8> = []
    private var sniffed = false
    private var atEnd = false

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String) throws(Failure) {
        name = path
        if path == "-" {
            fd = STDIN_FILENO
            sizeOnDisk = nil
            return
        }
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        sizeOnDisk = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    deinit {
        if fd != STDIN_FILENO { Glibc.close(fd) }
    }

    /// Appends the next decompressed bytes to `out`; false once the input is exhausted.
    func read(into out: inout [UInt8]) throws(Failure) -> Bool {
        if pending.isEmpty {
            guard !atEnd else { return false }
            let n = raw.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { return true }
                throw Failure(description: "reading \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                atEnd = true
                if inflater != nil, !streamEnded { throw Failure(description: "\(name): the gzip stream is truncated") }
                return false
            }
            consumed += n
            pending = raw[..<n]
        }
        if !sniffed {
            sniffed = true
            if pending.count >= 2, pending[pending.startIndex] == 0x1F, pending[pending.startIndex + 1] == 0x8B {
                startInflating()
            }
        }
        guard inflater != nil else {
            out.append(contentsOf: pending)
            pending = []
            return true
        }
        try inflate(into: &out)
        return true
    }

    private var streamEnded = false

    private func startInflating() {
        inflater = BodyInflater(encoding: .gzip)
    }

    /// Inflates `pending` with the HTTP collector's inflater (the same zlib handling and checks);
    /// a member that ends before the input does is followed by the next one.
    private func inflate(into out: inout [UInt8]) throws(Failure) {
        guard let inflater else { return }
        if streamEnded {
            inflater.restart()
            streamEnded = false
        }
        output.clear()
        // History files are the operator's own: no cap beyond what memory allows for one chunk's output.
        let status = pending.withUnsafeBytes { inflater.inflate($0, into: &output, limit: Int.max / 2) }
        out.append(contentsOf: output.readableBytesView)
        switch status {
        case .needsMore:
            pending = []
        case .finished:
            streamEnded = true
            pending = pending.suffix(inflater.unconsumedInput)
        case .malformed, .tooLarge:
            throw Failure(description: "\(name): not a valid gzip stream")
        }
    }
}

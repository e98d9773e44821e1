import CZlib
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
    private var inflater: UnsafeMutablePointer<z_stream>?
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
        if let inflater {
            inflateEnd(inflater)
            inflater.deallocate()
        }
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
                try startInflating()
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

    private func startInflating() throws(Failure) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw Failure(description: "\(name): zlib could not start")
        }
        inflater = stream
    }

    private func inflate(into out: inout [UInt8]) throws(Failure) {
        guard let stream = inflater else { return }
        var output = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        let (consumedInput, produced) = pending.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> (Int, Int) in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            let produced: Int = output.withUnsafeMutableBytes { buffer in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(buffer.count)
                status = CZlib.inflate(stream, Z_NO_FLUSH)
                return buffer.count - Int(stream.pointee.avail_out)
            }
            return (input.count - Int(stream.pointee.avail_in), produced)
        }
        let stuck = status == Z_BUF_ERROR && consumedInput == 0 && produced == 0
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, !stuck else {
            throw Failure(description: "\(name): not a valid gzip stream")
        }
        streamEnded = status == Z_STREAM_END
        out.append(contentsOf: output[..<produced])
        pending = pending.dropFirst(consumedInput)
        if streamEnded, !pending.isEmpty {
            // Another gzip member follows (e.g. `cat a.gz b.gz`).
            inflateReset(stream)
            streamEnded = false
        }
    }
}

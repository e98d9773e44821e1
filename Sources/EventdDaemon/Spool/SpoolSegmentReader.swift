#if canImport(Glibc)
import Glibc
#endif

/// Reads one segment file record by record, checking each; a span that is not a valid record (a torn
/// tail after a crash, flipped bits) is reported as `.bad` with its exact byte range, and reading
/// resumes at the next offset where a valid record starts. Never traps on bad input: every length is
/// checked against the file and `SpoolRecord.maxPayloadBytes` before it is used.
struct SpoolSegmentReader {
    enum Item {
        /// A valid record at `offset`; its bytes are `reader.record` until the next call.
        case record(offset: Int, meta: SpoolRecord.Meta)
        /// Bytes that are not a valid record (to be quarantined).
        case bad(Range<Int>)
    }

    let fd: Int32
    let path: String
    /// Bytes of the file that belong to the spool (the writer's size for the segment being written).
    let size: Int
    private var buffer: [UInt8] = []
    private var recordBytes = 0

    init(fd: Int32, path: String, size: Int) {
        self.fd = fd
        self.path = path
        self.size = size
    }

    /// The bytes of the last `.record` returned.
    func withRecord<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<recordBytes])) }
    }

    /// The item at `offset` and the offset after it; nil at the end of the segment.
    mutating func next(at offset: Int) throws(SpoolError) -> (item: Item, next: Int)? {
        guard offset < size else { return nil }
        if let meta = try readValid(at: offset) {
            return (.record(offset: offset, meta: meta), offset + meta.recordBytes)
        }
        let resume = try nextValidOffset(after: offset)
        return (.bad(offset ..< resume), resume)
    }

    /// Reads and checks the record at `offset` into `buffer`; nil when there is none.
    private mutating func readValid(at offset: Int) throws(SpoolError) -> SpoolRecord.Meta? {
        guard size - offset >= SpoolRecord.headerBytes else { return nil }
        _ = try SpoolFileIO.read(fd, at: offset, count: SpoolRecord.headerBytes, into: &buffer, path: path)
        let length = buffer.withUnsafeBytes { SpoolRecord.payloadLength(header: $0) }
        guard let length, length <= size - offset - SpoolRecord.headerBytes else { return nil }
        let total = SpoolRecord.headerBytes + length
        guard try SpoolFileIO.read(fd, at: offset, count: total, into: &buffer, path: path) == total else { return nil }
        recordBytes = total
        return buffer.withUnsafeBytes { SpoolRecord.validate(UnsafeRawBufferPointer(rebasing: $0[..<total])) }
    }

    /// After a bad record at `offset`: the next offset holding the magic and a valid record, else the
    /// segment's end. Reads the rest of the segment once; rare (only after corruption), and bounded by
    /// the segment size.
    private mutating func nextValidOffset(after offset: Int) throws(SpoolError) -> Int {
        var rest: [UInt8] = []
        let count = size - offset
        let got = try SpoolFileIO.read(fd, at: offset, count: count, into: &rest, path: path)
        let magic = withUnsafeBytes(of: SpoolRecord.magic.littleEndian) { Array($0) }
        var candidate = 1
        while candidate + SpoolRecord.headerBytes <= got {
            if rest[candidate] == magic[0], rest[candidate + 1] == magic[1],
               rest[candidate + 2] == magic[2], rest[candidate + 3] == magic[3] {
                let valid: Bool = rest.withUnsafeBytes { all in
                    let tail = UnsafeRawBufferPointer(rebasing: all[candidate ..< got])
                    guard let length = SpoolRecord.payloadLength(header: tail),
                          SpoolRecord.headerBytes + length <= tail.count else { return false }
                    return SpoolRecord.validate(UnsafeRawBufferPointer(rebasing: tail[..<(SpoolRecord.headerBytes + length)])) != nil
                }
                if valid { return offset + candidate }
            }
            candidate += 1
        }
        return size
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The replay position, kept in the spool directory's `cursor` file (20 bytes: segment, offset, CRC)
/// so that a restart does not replay what is already in PostgreSQL.
///
/// Written in place after each committed replay chunk and never fsynced: losing it (or finding it torn)
/// only means replaying records again, which the events' primary key absorbs.
enum SpoolCursor {
    static let fileName = "cursor"

    static func read(directory: String) -> SpoolPosition? {
        let fd = Glibc.open(directory + "/" + fileName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 20)
        guard bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 20, 0) }) == 20 else { return nil }
        return bytes.withUnsafeBytes { raw -> SpoolPosition? in
            let crc = SpoolRecord.crc32Update(0, UnsafeRawBufferPointer(rebasing: raw[0..<16]))
            guard crc == raw.loadLE(at: 16) else { return nil }
            return SpoolPosition(segment: raw.loadLE64(at: 0), offset: Int(raw.loadLE64(at: 8)))
        }
    }

    /// Best effort: a failure is logged by the caller and costs only a longer replay after a restart.
    static func write(_ position: SpoolPosition, directory: String) throws(SpoolError) {
        var bytes: [UInt8] = []
        bytes.appendLE(position.segment)
        bytes.appendLE(UInt64(position.offset))
        bytes.appendLE(bytes.withUnsafeBytes { SpoolRecord.crc32Update(0, $0) })
        let path = directory + "/" + fileName
        let fd = try SpoolFileIO.open(path, O_WRONLY | O_CREAT)
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, 20, 0) }
        if written != 20 { throw .system("pwrite", path) }
    }
}

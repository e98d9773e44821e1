#if canImport(Glibc)
import Glibc
#endif

/// The few POSIX calls the spool makes, each retried on EINTR and turned into a `SpoolError`.
/// Plain file descriptors rather than FileHandle: the spool needs `pread`, `ftruncate`, `fdatasync`
/// and `flock`, and must see `errno` (ENOSPC is backpressure, not a crash).
enum SpoolFileIO {
    /// Test-only: called before each operation that changes the spool's files (and each open), with the
    /// operation's name and path. The crash model test (`SpoolCrashModelTests`) copies the directory
    /// there: the copy is the disk a process killed at that instant would leave. A task-local, so it
    /// reaches only the spool a test drives on its own task, never the loader's thread.
    @TaskLocal static var testOnly_beforeOperation: (@Sendable (_ operation: String, _ path: String) -> Void)?

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o640) throws(SpoolError) -> Int32 {
        testOnly_beforeOperation?("open", path)
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw .system("open", path) }
        }
    }

    /// Writes every byte of `parts`, in order. On failure some bytes may have been written.
    static func writeAll(_ fd: Int32, _ parts: [UnsafeRawBufferPointer], path: String) throws(SpoolError) {
        testOnly_beforeOperation?("write", path)
        for part in parts {
            guard var pointer = part.baseAddress else { continue }
            var left = part.count
            while left > 0 {
                let n = Glibc.write(fd, pointer, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .system("write", path)
                }
                if n == 0 { throw SpoolError(.io, "write \(path): no progress") }
                pointer += n
                left -= n
            }
        }
    }

    /// Reads `count` bytes at `offset` into `buffer` (resized); returns how many were there (less at EOF).
    static func read(_ fd: Int32, at offset: Int, count: Int, into buffer: inout [UInt8], path: String) throws(SpoolError) -> Int {
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        var done = 0
        var failure: Int32 = 0
        buffer.withUnsafeMutableBytes { bytes in
            while done < count {
                let n = pread(fd, bytes.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                done += n
            }
        }
        if failure != 0 { throw .system("read", path, errno: failure) }
        return done
    }

    static func dataSync(_ fd: Int32, path: String) throws(SpoolError) {
        testOnly_beforeOperation?("fdatasync", path)
        while fdatasync(fd) != 0 {
            if errno != EINTR { throw .system("fdatasync", path) }
        }
    }

    /// Makes a new or removed directory entry durable.
    static func syncDirectory(_ path: String) throws(SpoolError) {
        testOnly_beforeOperation?("fsync directory", path)
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(fd) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw .system("fsync", path) }
        }
    }

    static func truncate(_ fd: Int32, to size: Int, path: String) throws(SpoolError) {
        testOnly_beforeOperation?("ftruncate", path)
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw .system("ftruncate", path) }
        }
    }

    static func size(_ fd: Int32, path: String) throws(SpoolError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system("fstat", path) }
        return Int(info.st_size)
    }

    static func makeDirectory(_ path: String) throws(SpoolError) {
        if mkdir(path, 0o750) != 0 && errno != EEXIST { throw .system("mkdir", path) }
    }

    /// Names in `directory` (not `.`/`..`).
    static func list(_ directory: String) throws(SpoolError) -> [String] {
        guard let dir = opendir(directory) else { throw .system("opendir", directory) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func remove(_ path: String) throws(SpoolError) {
        testOnly_beforeOperation?("unlink", path)
        if unlink(path) != 0 && errno != ENOENT { throw .system("unlink", path) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Why the spool could not do what it was asked: a code to act on, and one sentence naming the file.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    /// The closed set of spool failures.
    public enum Code: String, Sendable, Hashable {
        /// `spool.max_bytes` is reached, or the disk is full (ENOSPC, EDQUOT, EFBIG): the batch stays in
        /// memory and senders are pushed back until replay frees space.
        case full
        /// Another process holds the spool directory's lock (a running `eventd serve`).
        case locked
        /// A system call failed (permissions, I/O error).
        case io
    }

    public var code: Code
    public var description: String
    /// Where it was raised, for the log.
    public var file: String
    public var line: Int

    init(_ code: Code, _ description: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.description = description
        self.file = file
        self.line = line
    }

    /// The error of a failed system call on `path`: `full` for out-of-space errnos, else `io`.
    static func system(_ call: String, _ path: String, errno code: Int32 = errno,
                       file: String = #fileID, line: Int = #line) -> SpoolError {
        let reason = String(cString: strerror(code))
        let full = code == ENOSPC || code == EDQUOT || code == EFBIG
        return SpoolError(full ? .full : .io, "\(call) \(path): \(reason)", file: file, line: line)
    }
}

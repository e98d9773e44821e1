import CZlib
import NIOCore

/// Undoes `Content-Encoding: gzip` or `deflate` as the body streams in, refusing to produce more
/// than a fixed number of bytes.
///
/// A decompression bomb (a few KB that inflate to gigabytes) costs bounded memory and CPU here:
/// inflation happens chunk by chunk into the request's body buffer, which never grows past the
/// cap, and it stops at the first byte past the cap — zlib's work is proportional to the output
/// it produced, so it is bounded by the cap as well. The compressed input is capped by the same
/// limit before it gets here.
public final class BodyInflater {
    public enum Encoding: Sendable, Equatable {
        /// RFC 1952 gzip.
        case gzip
        /// HTTP's `deflate`: zlib-wrapped (RFC 1950); a raw RFC 1951 stream, which some old clients
        /// send, is accepted too.
        case deflate
    }

    public enum Status: Equatable {
        /// Consumed the input; more may come.
        case needsMore
        /// The compressed stream ended (anything after it is ignored).
        case finished
        /// The output would pass the cap.
        case tooLarge
        /// The input is not a valid stream of the declared encoding.
        case malformed
    }

    /// Output is produced in steps of this many bytes at most.
    static let chunkBytes = 16 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    private let encoding: Encoding
    private var initialised = false
    private var triedRaw = false
    private var produced = 0
    /// The first input bytes, kept only until the zlib header has been seen (to retry as raw deflate).
    private var firstInput: [UInt8] = []
    /// Input bytes received so far: a retry as raw deflate needs every one of them, so it is possible only
    /// while all of them are in `firstInput` (the header check fails within the first two bytes anyway).
    private var inputSeen = 0
    /// Input bytes of the last `inflate` call left unread when the stream ended (`.finished`): the
    /// start of whatever follows it, e.g. the next member of a concatenated gzip file.
    public private(set) var unconsumedInput = 0

    public init(encoding: Encoding) {
        self.encoding = encoding
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        initialised = start(windowBits: encoding == .gzip ? 15 + 16 : 15)
    }

    deinit {
        if initialised { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Starts a new stream of the same encoding after `.finished` (the next member of a gzip file
    /// made by `cat a.gz b.gz`); the output cap counts afresh.
    public func restart() {
        guard initialised else { return }
        inflateReset(stream)
        produced = 0
        unconsumedInput = 0
    }

    private func start(windowBits: Int32) -> Bool {
        inflateInit2_(stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    /// Inflates `input`, appending the output to `output` while it stays within `limit` bytes in total.
    public func inflate(_ input: UnsafeRawBufferPointer, into output: inout ByteBuffer, limit: Int) -> Status {
        guard initialised else { return .malformed }
        // Whether every earlier byte is in `firstInput`, and how many of this call's bytes join them.
        let canReplay = encoding == .deflate && !triedRaw && inputSeen == firstInput.count
        var kept = 0
        if canReplay, stream.pointee.total_out == 0, firstInput.count < 64 {
            kept = min(input.count, 64 - firstInput.count)
            firstInput.append(contentsOf: input.prefix(kept))
        }
        inputSeen += input.count
        let status = run(input, into: &output, limit: limit)
        if status == .malformed, canReplay, stream.pointee.total_out == 0 {
            // Not zlib-wrapped: start over as raw deflate with every byte seen so far. (`firstInput` holds the
            // earlier calls' bytes and the first `kept` of this one's: the rest of `input` follows them. Taking
            // `firstInput.count` bytes off this input instead, as before, dropped bytes whenever the body came
            // in more than one piece — e.g. a 1-byte first read — and turned a valid raw stream into garbage.)
            triedRaw = true
            inflateEnd(stream)
            stream.pointee = z_stream()
            initialised = start(windowBits: -15)
            guard initialised else { return .malformed }
            let replay = firstInput + input[kept...]
            firstInput = []
            return replay.withUnsafeBytes { run($0, into: &output, limit: limit) }
        }
        return status
    }

    private func run(_ input: UnsafeRawBufferPointer, into output: inout ByteBuffer, limit: Int) -> Status {
        guard let base = input.baseAddress, input.count > 0 else { return .needsMore }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            unconsumedInput = Int(stream.pointee.avail_in)
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            // One byte beyond the cap is room enough to notice that the cap was passed.
            let room = min(Self.chunkBytes, limit + 1 - produced)
            guard room > 0 else { return .tooLarge }
            var result: Int32 = Z_OK
            let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { buffer in
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(room)
                result = CZlib.inflate(stream, Z_NO_FLUSH)
                return room - Int(stream.pointee.avail_out)
            }
            produced += written
            if produced > limit { return .tooLarge }
            switch result {
            case Z_STREAM_END: return .finished
            case Z_OK:
                if stream.pointee.avail_in == 0, stream.pointee.avail_out > 0 { return .needsMore }
            case Z_BUF_ERROR:
                // No progress possible: all input consumed (wait for more) or no output room (loop).
                if stream.pointee.avail_in == 0 { return .needsMore }
            default:
                return .malformed
            }
        }
    }
}

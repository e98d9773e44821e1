import EventdHTTPBody
import NIOCore

/// Undoing the encodings vendors' browser SDKs wrap a body in (posthog-js, mixpanel-js …) when
/// `Content-Encoding` cannot say it: base64, gzip named by a query parameter or recognised by its
/// magic bytes, lz-string. Every step is capped at the request's body limit.
public enum PayloadEncoding {
    public enum Failure: Error, Equatable {
        case malformed(String)
        case tooLarge
    }

    /// gzip's magic bytes.
    static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var i = bytes.makeIterator()
        return i.next() == 0x1F && i.next() == 0x8B
    }

    /// Inflates a whole gzip member, refusing to produce more than `limit` bytes.
    static func gunzip(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        let inflater = BodyInflater(encoding: .gzip)
        var output = ByteBuffer()
        let status = bytes.withUnsafeBytes { inflater.inflate($0, into: &output, limit: limit) }
        switch status {
        case .finished: return .success(Array(output.readableBytesView))
        case .tooLarge: return .failure(.tooLarge)
        case .needsMore: return .failure(.malformed("The gzip data is truncated."))
        case .malformed: return .failure(.malformed("The body is not valid gzip data."))
        }
    }

    /// Whether the first non-blank byte opens a JSON object or array.
    public static func startsLikeJSON(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return false }
        return first == 0x7B || first == 0x5B
    }

    /// JSON as sent, or gzip, or base64 of either: what a `data=` field or a body may hold when no
    /// compression is named.
    public static func sniff(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        if startsLikeJSON(bytes) { return .success(bytes) }
        if isGzip(bytes) { return gunzip(bytes, limit: limit) }
        guard let decoded = Base64Decoding.decode(bytes), !decoded.isEmpty else {
            return .failure(.malformed("The body is neither JSON nor base64-encoded JSON."))
        }
        if isGzip(decoded) { return gunzip(decoded, limit: limit) }
        return .success(decoded)
    }
}

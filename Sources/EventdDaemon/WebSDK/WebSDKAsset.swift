import CZlib
import NIOHTTP1

/// The first-party web SDK (`sdk.js`, kept as plain JavaScript in this folder and embedded in the
/// binary) as the HTTP collector serves it at `sources.http.sdk_path`: with a strong ETag (a
/// revalidation costs a 304 and no body), an hour of caching, and gzip when the browser takes it
/// (compressed once, at start).
struct WebSDKAsset: Sendable {
    let plain: [UInt8]
    let gzipped: [UInt8]?
    let etag: String

    static let shared = WebSDKAsset(source: PackageResources.sdk_js)

    init(source: [UInt8]) {
        plain = source
        gzipped = Self.gzip(source)
        etag = "\"sdk-\(String(Self.fnv1a(source), radix: 16))\""
    }

    /// The reply to `GET`/`HEAD` of the SDK's path.
    func reply(to head: HTTPRequestHead) -> HTTPReply {
        var headers = HTTPHeaders()
        headers.add(name: "ETag", value: etag)
        // An hour fresh, then revalidated by ETag: a new eventd's SDK reaches pages within the hour.
        headers.add(name: "Cache-Control", value: "public, max-age=3600")
        headers.add(name: "Vary", value: "Accept-Encoding")
        headers.add(name: "Access-Control-Allow-Origin", value: "*")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        if head.headers[canonicalForm: "if-none-match"].contains(where: { $0 == etag || $0 == "*" }) {
            return HTTPReply(status: .notModified, headers: headers)
        }
        var body = plain
        if let gzipped, head.headers[canonicalForm: "accept-encoding"].contains(where: { $0.lowercased().hasPrefix("gzip") }) {
            headers.add(name: "Content-Encoding", value: "gzip")
            body = gzipped
        }
        if head.method == .HEAD {
            headers.add(name: "Content-Length", value: String(body.count))
            body = []
        }
        return HTTPReply(status: .ok, headers: headers, body: body, contentType: "text/javascript; charset=utf-8")
    }

    /// gzip at level 9 with zlib; nil if zlib fails (the plain file is served then).
    static func gzip(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status: Int32 = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress!.assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(output.prefix(Int(stream.total_out)))
    }

    private static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

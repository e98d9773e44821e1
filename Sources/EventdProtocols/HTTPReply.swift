import NIOHTTP1

/// A response the HTTP source sends: decided by the pure request logic, written by the handler.
public struct HTTPReply: Sendable, Equatable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Close the connection after this response (the rest of the request was not read, or the
    /// connection is being drained).
    public var close: Bool

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
         contentType: String? = nil, close: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.close = close
        if let contentType { self.headers.replaceOrAdd(name: "Content-Type", value: contentType) }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.status == b.status && a.body == b.body && a.close == b.close && a.headers == b.headers
    }

    /// `{"success":false,"errors":[{"reason":…,"detail":…}]}` with `status`: one refusal of the whole request.
    public static func failure(_ status: HTTPResponseStatus, _ code: HTTPRefusal, _ detail: String,
                        retryAfter: Int? = nil, close: Bool = false) -> HTTPReply {
        var json = JSONWriter()
        json.raw(#"{"success":false,"errors":[{"reason":"#)
        json.string(code.rawValue)
        json.raw(#","detail":"#)
        json.string(detail)
        json.raw("}]}")
        var reply = HTTPReply(status: status, body: json.bytes, contentType: "application/json", close: close)
        if let retryAfter { reply.headers.add(name: "Retry-After", value: String(retryAfter)) }
        return reply
    }

    /// `200 {"success":true}`: Segment's answer when everything landed.
    public static var success: HTTPReply {
        HTTPReply(status: .ok, body: Array(#"{"success":true}"#.utf8), contentType: "application/json")
    }

    /// `204` with no body: the beacon answer.
    public static var noContent: HTTPReply { HTTPReply(status: .noContent) }

    /// `200` with a transparent 1×1 GIF: the pixel answer, never cached.
    public static var pixel: HTTPReply {
        var reply = HTTPReply(status: .ok, body: TransparentGIF.bytes, contentType: "image/gif")
        reply.headers.add(name: "Cache-Control", value: "no-store, max-age=0")
        return reply
    }
}

/// Why the HTTP layer refused a whole request (the `reason` of its one error). Event-level
/// refusals use the decoder's `RejectReason` codes instead.
public enum HTTPRefusal: String, Sendable, CaseIterable {
    case notFound = "not_found"
    case methodNotAllowed = "method_not_allowed"
    case missingWriteKey = "missing_write_key"
    case invalidWriteKey = "invalid_write_key"
    case originNotAllowed = "origin_not_allowed"
    case rateLimited = "rate_limited"
    case bodyTooLarge = "batch_too_large"
    case headerTooLarge = "header_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case malformedEncoding = "malformed_encoding"
    case malformedRequest = "malformed_request"
    case requestTimeout = "request_timeout"
    case unavailable = "unavailable"
}

/// The smallest transparent GIF (43 bytes): GIF89a, 1×1, one transparent colour.
public enum TransparentGIF {
    public static let bytes: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]
}

/// The JSON type of a scanned value.
enum JSONKind: UInt8 {
    case absent = 0, null, bool, number, string, object, array
}

/// Where a validated JSON value sits in the input: `start..<end` covers the whole token
/// (quotes and brackets included). 12 bytes, trivially copyable, so a table of them is cheap to reset.
struct JSONValueRef {
    var start: Int32
    var end: Int32
    var kind: JSONKind
    var flags: UInt8

    /// The string contains at least one backslash escape (so its bytes are not its text).
    static let hasEscapes: UInt8 = 1
    /// The value contains `\u0000` or a lone surrogate escape somewhere, which jsonb/text refuse:
    /// the encoder rewrites those escapes to U+FFFD.
    static let needsSanitizing: UInt8 = 2

    static let absent = JSONValueRef(start: 0, end: 0, kind: .absent, flags: 0)

    @inline(__always) var isPresent: Bool { kind != .absent && kind != .null }
    @inline(__always) var isString: Bool { kind == .string }
    @inline(__always) var hasEscapes: Bool { flags & Self.hasEscapes != 0 }
    @inline(__always) var needsSanitizing: Bool { flags & Self.needsSanitizing != 0 }
    @inline(__always) var count: Int { Int(end &- start) }
    /// For strings: the bytes between the quotes.
    @inline(__always) var contentStart: Int { Int(start) + 1 }
    @inline(__always) var contentCount: Int { Int(end &- start) - 2 }
}

/// Why the strict scanner stopped.
enum ScanFailure: Error {
    case malformed
    case invalidUTF8
    case invalidNumber
    case tooDeep

    var reason: RejectReason {
        switch self {
        case .malformed: .malformedJSON
        case .invalidUTF8: .invalidUTF8
        case .invalidNumber: .invalidNumber
        case .tooDeep: .tooDeep
        }
    }
}

import Foundation

/// Who may open the console: the `[console]` bearer token and/or Basic user and password, compared in
/// constant time. Nothing else opens it — a write key is a different secret in a different table.
struct ConsoleAuth: Sendable {
    let token: [UInt8]?
    let basic: [UInt8]?

    init(_ config: ConsoleConfig) {
        token = config.token.map { Array($0.utf8) }
        if let user = config.user, let password = config.password {
            basic = Array("\(user):\(password)".utf8)
        } else {
            basic = nil
        }
    }

    /// The `WWW-Authenticate` challenge of a 401: Basic when a password is set (browsers then ask for
    /// it), Bearer otherwise.
    var challenge: String {
        basic != nil ? #"Basic realm="eventd console", charset="UTF-8""# : #"Bearer realm="eventd console""#
    }

    /// Whether the `Authorization` header value opens the console.
    func allows(_ authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        let scheme = parts[0].lowercased()
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        if scheme == "bearer", let token {
            return Self.constantTimeEqual(Array(credential.utf8), token)
        }
        if scheme == "basic", let basic, let decoded = Data(base64Encoded: credential) {
            return Self.constantTimeEqual(Array(decoded), basic)
        }
        return false
    }

    /// Equal bytes, in a time that depends on the lengths only, never on where the first difference is.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: given.count ^ expected.count)
        for index in expected.indices {
            difference |= (index < given.count ? given[index] : 0) ^ expected[index]
        }
        return difference == 0 && given.count == expected.count
    }
}

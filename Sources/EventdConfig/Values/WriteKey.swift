/// A key that HTTP senders present to be allowed to write events (`[[sources.http.write_keys]]`).
///
/// `description` never shows `key`, so a config can be logged without leaking secrets.
public struct WriteKey: Sendable, Hashable, CustomStringConvertible {
    /// Whether a key may be shipped to browsers or must stay on servers.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Embedded in web pages and apps, so anyone can read it; limited by `allowedOrigins` and rate limits.
        case `public`
        /// Held only by trusted servers; not subject to origin checks.
        case secret
    }

    /// A label for logs and metrics (`name`, required), e.g. `website` or `backend`; never the key itself.
    /// Must be unique among write keys.
    public var name: String
    /// The key value senders present (`key`, required), at least 16 characters. Must be unique.
    public var key: String
    /// `public` or `secret` (`kind`, required); decides whether `allowedOrigins` applies.
    public var kind: Kind
    /// Browser origins (`scheme://host[:port]`) allowed to send with a public key (`allowed_origins`,
    /// default `[]` = any origin). Set it so a public key copied onto another site is refused there.
    /// Only for public keys.
    public var allowedOrigins: [String]

    /// Creates a write key.
    public init(name: String, key: String, kind: Kind, allowedOrigins: [String] = []) {
        self.name = name
        self.key = key
        self.kind = kind
        self.allowedOrigins = allowedOrigins
    }

    /// `name (kind)`, without the key.
    public var description: String { "\(name) (\(kind.rawValue))" }
}

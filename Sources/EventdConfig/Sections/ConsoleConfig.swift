/// `[console]`: the read-only web console, served on the admin listener under `/console`. It shows stored
/// data (refused bytes included), so it is off until it has credentials: a bearer token, a Basic user and
/// password, or both.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `ConsoleConfig+Keys.swift`.
public struct ConsoleConfig: Sendable, Equatable {
    /// `token`
    public var token: String? = nil
    /// `user`
    public var user: String? = nil
    /// `password`
    public var password: String? = nil
    /// `statement_timeout`
    public var statementTimeout: Duration = .seconds(5)

    /// The defaults above.
    public init() {}

    /// Whether any credential is configured, which is what turns the console on.
    public var isEnabled: Bool { token != nil || (user != nil && password != nil) }
}

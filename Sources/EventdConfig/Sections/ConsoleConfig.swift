/// `[console]`: the read-only web console, served on the admin listener under `/console`. It shows stored
/// data (refused bytes included), so it is off until it has credentials: a bearer token, a Basic user and
/// password, or both.
public struct ConsoleConfig: Sendable, Equatable {
    /// Bearer token that opens the console (`token`, default unset), at least 24 characters. Send it as
    /// `Authorization: Bearer <token>`. Keep it out of the file: `EVENTD_CONSOLE_TOKEN`.
    public var token: String? = nil
    /// Basic-auth user name (`user`, default unset); set together with `password`. For browsers.
    public var user: String? = nil
    /// Basic-auth password (`password`, default unset), at least 12 characters. Keep it out of the file:
    /// `EVENTD_CONSOLE_PASSWORD`.
    public var password: String? = nil
    /// Longest time one of the console's queries may run (`statement_timeout`, default `5s`); a slower one
    /// is cancelled by PostgreSQL and the page says so.
    public var statementTimeout: Duration = .seconds(5)

    /// The defaults above.
    public init() {}

    /// Whether any credential is configured, which is what turns the console on.
    public var isEnabled: Bool { token != nil || (user != nil && password != nil) }
}

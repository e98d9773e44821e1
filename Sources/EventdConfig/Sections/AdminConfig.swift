/// `[admin]`: the operator's HTTP endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz`.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `AdminConfig+Keys.swift`.
public struct AdminConfig: Sendable, Equatable {
    /// `listen`
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9_464)

    /// The defaults above.
    public init() {}
}

/// `[admin]`: the operator's HTTP endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz`.
public struct AdminConfig: Sendable, Equatable {
    /// Address of the admin endpoint (`listen`, default `"127.0.0.1:9464"`). It has no authentication: keep it
    /// on loopback or a private network, and change it if Prometheus scrapes from another host.
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9_464)

    /// The defaults above.
    public init() {}
}

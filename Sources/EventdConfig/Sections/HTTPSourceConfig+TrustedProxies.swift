extension HTTPSourceConfig {
    /// `trustedProxies` parsed, for matching a peer address. `validate()` guarantees every entry parses,
    /// so after loading none is dropped.
    public var trustedProxyNetworks: [IPNetwork] {
        trustedProxies.compactMap(IPNetwork.init)
    }
}

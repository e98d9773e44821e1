@testable import EventdDaemon
import Testing

/// A trusted proxy is recognised by one rule everywhere: for reading its forwarding headers and for
/// its exemption from `max_connections_per_ip` (`HTTPSource`'s admission asks the same resolver).
@Suite struct TrustedProxyPeerTests {
    let resolver = ClientAddressResolver(trustedProxies: ["10.0.0.0/8", "2001:db8::/32"].compactMap(IPNetwork.init))

    @Test func anIPv4ProxyIsTrustedAlsoAsAnIPv4MappedAddress() throws {
        let plain = try #require(IPNetwork.parseAddress("10.1.2.3"))
        let mapped = try #require(IPNetwork.parseAddress("::ffff:10.1.2.3"))
        #expect(resolver.isTrusted(plain))
        #expect(resolver.isTrusted(mapped))
    }

    @Test func otherPeersAreNotTrusted() throws {
        #expect(!resolver.isTrusted(try #require(IPNetwork.parseAddress("192.0.2.7"))))
        #expect(!resolver.isTrusted(try #require(IPNetwork.parseAddress("::ffff:192.0.2.7"))))
        #expect(resolver.isTrusted(try #require(IPNetwork.parseAddress("2001:db8::1"))))
    }
}

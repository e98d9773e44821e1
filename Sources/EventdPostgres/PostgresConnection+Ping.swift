import CLibPQ

/// What `PostgresConnection.ping` learnt about a server.
public enum PostgresPing: Sendable, Equatable {
    /// A server answered: it accepts connections, or is running but refuses them for now (starting up,
    /// shutting down, in recovery). Either way it is worth a real attempt soon.
    case answering
    /// No server answered at any of the URL's hosts (refused, timed out, unresolvable).
    case unreachable
}

extension PostgresConnection {
    /// Asks whether a server is there, without logging in (libpq's `PQpingParams`): no credentials are
    /// checked and no session is set up, so it is cheap enough to ask a few times a second while a
    /// server is down, where a full connection attempt would not be.
    public static func ping(url: String?, applicationName: String = "eventd") -> PostgresPing {
        guard let pairs = try? parameters(url: url, applicationName: applicationName, overrides: [:]) else {
            return .unreachable
        }
        let status = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in PQpingParams(keywords, values, 1) }
        }
        return status == PQPING_OK || status == PQPING_REJECT ? .answering : .unreachable
    }
}

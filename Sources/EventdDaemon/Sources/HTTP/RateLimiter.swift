import EventdCore
import NIOConcurrencyHelpers
import NIOCore

/// Per-write-key and per-client-IP token buckets (`[sources.http.rate_limit]`), shared by every
/// connection of the HTTP source.
///
/// One lock acquisition per request (never per event) — requests are the unit of work on the event
/// loops, and the critical section is a dictionary look-up and some arithmetic.
///
/// - The per-IP limit applies to public-key (browser) traffic and to requests without a key; a
///   secret key's server sends on behalf of many users from one address, so it is limited per key only.
/// - IPv6 clients are bucketed by their /64 (one subscriber's allocation), so rotating addresses
///   within it does not dodge the limit.
/// - At most `maxTrackedClients` addresses are remembered: when full, buckets that have refilled
///   (equivalent to new ones) are dropped, and if none has, an arbitrary one — so memory stays
///   bounded whatever the number of senders.
final class RateLimiter: Sendable {
    struct Limits: Sendable, Equatable {
        var perKeyPerSecond: Int
        var perKeyBurst: Int
        var perIPPerSecond: Int
        var perIPBurst: Int
    }

    enum Decision: Equatable {
        case allowed
        /// Refused; try again after this many seconds.
        case limited(retryAfter: Int, scope: Scope)
    }

    enum Scope: String, Sendable { case key, ip }

    private struct State {
        /// Under the lock with the buckets, so a config reload (`update(_:)`) costs requests nothing extra.
        var limits: Limits
        var keys: [Int: TokenBucket] = [:]
        var clients: [ClientBucketID: TokenBucket] = [:]
    }

    let maxTrackedClients: Int
    private let state: NIOLockedValueBox<State>

    init(limits: Limits, maxTrackedClients: Int = 100_000) {
        self.state = NIOLockedValueBox(State(limits: limits))
        self.maxTrackedClients = maxTrackedClients
    }

    /// The limits in force.
    var limits: Limits { state.withLockedValue { $0.limits } }

    /// Replaces the limits (config reload). Buckets keep their tokens, capped by the new bursts as
    /// they next refill.
    func update(_ limits: Limits) {
        state.withLockedValue { $0.limits = limits }
    }

    /// Checks — without charging — whether a request may proceed: called when the head arrives, so
    /// a flooding client is refused before its body is read or decoded.
    func check(key: Int?, client: SourceAddress?, limitByIP: Bool, now: NIODeadline) -> Decision {
        admit(key: key, client: client, limitByIP: limitByIP, events: 0, now: now)
    }

    /// Admits a request of `events` events and charges them, or refuses it.
    func acquire(key: Int?, client: SourceAddress?, limitByIP: Bool, events: Int, now: NIODeadline) -> Decision {
        admit(key: key, client: client, limitByIP: limitByIP, events: events, now: now)
    }

    private func admit(key: Int?, client: SourceAddress?, limitByIP: Bool, events: Int, now: NIODeadline) -> Decision {
        state.withLockedValue { state in
            let limits = state.limits
            let keyed = key.flatMap { limits.perKeyPerSecond > 0 ? $0 : nil }
            let clientID = (limitByIP && limits.perIPPerSecond > 0) ? client.map(ClientBucketID.init) : nil
            guard keyed != nil || clientID != nil else { return .allowed }
            var keyBucket: TokenBucket?
            if let keyed {
                var bucket = state.keys[keyed] ?? TokenBucket(burst: limits.perKeyBurst, now: now)
                bucket.refill(ratePerSecond: limits.perKeyPerSecond, burst: limits.perKeyBurst, now: now)
                guard bucket.admits else {
                    state.keys[keyed] = bucket
                    return .limited(retryAfter: bucket.secondsUntilAdmitted(ratePerSecond: limits.perKeyPerSecond), scope: .key)
                }
                keyBucket = bucket
            }
            if let clientID {
                var bucket = state.clients[clientID] ?? TokenBucket(burst: limits.perIPBurst, now: now)
                bucket.refill(ratePerSecond: limits.perIPPerSecond, burst: limits.perIPBurst, now: now)
                guard bucket.admits else {
                    state.clients[clientID] = bucket
                    return .limited(retryAfter: bucket.secondsUntilAdmitted(ratePerSecond: limits.perIPPerSecond), scope: .ip)
                }
                bucket.charge(events)
                if state.clients[clientID] == nil, state.clients.count >= maxTrackedClients {
                    evict(&state.clients, limits: limits, now: now)
                }
                state.clients[clientID] = bucket
            }
            if let keyed, var bucket = keyBucket {
                bucket.charge(events)
                state.keys[keyed] = bucket
            }
            return .allowed
        }
    }

    private func evict(_ clients: inout [ClientBucketID: TokenBucket], limits: Limits, now: NIODeadline) {
        clients = clients.filter { _, bucket in
            var bucket = bucket
            bucket.refill(ratePerSecond: limits.perIPPerSecond, burst: limits.perIPBurst, now: now)
            return !bucket.isFull(burst: limits.perIPBurst)
        }
        if clients.count >= maxTrackedClients, let any = clients.keys.first {
            clients.removeValue(forKey: any)
        }
    }

    /// Clients currently remembered (tests, metrics).
    var trackedClients: Int { state.withLockedValue { $0.clients.count } }
}

/// A client's rate-limit identity: its IPv4 address, or its IPv6 /64.
struct ClientBucketID: Hashable, Sendable {
    let isIPv4: Bool
    let bits: UInt64

    init(_ address: SourceAddress) {
        isIPv4 = address.isIPv4
        bits = address.isIPv4 ? address.lo : address.hi
    }
}

extension RateLimiter.Limits {
    /// The limits `[sources.http.rate_limit]` sets, at start and on a reload alike.
    init(_ config: RateLimitConfig) {
        self.init(perKeyPerSecond: config.perKeyPerSecond, perKeyBurst: config.perKeyBurst,
                  perIPPerSecond: config.perIPPerSecond, perIPBurst: config.perIPBurst)
    }
}

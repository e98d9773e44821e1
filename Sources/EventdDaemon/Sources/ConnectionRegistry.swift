import EventdCore
import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one listener: enforces the connection caps and, at shutdown, asks each
/// connection to drain and waits for them to close.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        /// Open connections per peer address, for the per-address cap.
        var perPeer: [SourceAddress: Int] = [:]
    }

    /// What `admit` decided.
    enum Admission: Equatable {
        case admitted
        /// `limit` connections are open.
        case full
        /// The peer holds `perPeerLimit` of them already.
        case peerFull
    }

    private let state = NIOLockedValueBox(State())

    /// Registers `channel` unless `limit` connections are open, or `peer` (nil: not counted) holds
    /// `perPeerLimit` of them (0: no per-peer cap). One client then cannot take every slot.
    func admit(_ channel: any Channel, limit: Int, peer: SourceAddress?, perPeerLimit: Int) -> Admission {
        let counted = perPeerLimit > 0 ? peer : nil
        let admission = state.withLockedValue { state -> Admission in
            guard state.channels.count < limit else { return .full }
            if let counted, state.perPeer[counted, default: 0] >= perPeerLimit { return .peerFull }
            state.channels[ObjectIdentifier(channel)] = channel
            if let counted { state.perPeer[counted, default: 0] += 1 }
            return .admitted
        }
        if admission == .admitted {
            let key = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { [state] _ in
                state.withLockedValue { state in
                    state.channels.removeValue(forKey: key)
                    guard let counted else { return }
                    let left = state.perPeer[counted, default: 1] - 1
                    state.perPeer[counted] = left > 0 ? left : nil
                }
            }
        }
        return admission
    }

    var count: Int { state.withLockedValue { $0.channels.count } }

    /// Sends `DrainAndClose` to every connection and waits until all have closed; after `timeout`
    /// the stragglers are closed outright.
    func drainAll(timeout: Duration) async {
        let open = state.withLockedValue { Array($0.channels.values) }
        guard !open.isEmpty else { return }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(DrainAndClose())
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while count > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for channel in state.withLockedValue({ Array($0.channels.values) }) {
            channel.close(promise: nil)
        }
    }
}

/// The address a listener actually bound, published for tests and logs.
final class BoundAddress: Sendable {
    private let box = NIOLockedValueBox<SocketAddress?>(nil)
    var value: SocketAddress? {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}

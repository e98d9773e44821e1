import NIOConcurrencyHelpers
import NIOCore

/// The open connections of one listener: enforces the connection cap and, at shutdown, asks each
/// connection to drain and waits for them to close.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// Registers `channel` unless `limit` connections are already open.
    func admit(_ channel: any Channel, limit: Int) -> Bool {
        let admitted = channels.withLockedValue { open -> Bool in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
        if admitted {
            let key = ObjectIdentifier(channel)
            channel.closeFuture.whenComplete { [channels] _ in
                _ = channels.withLockedValue { $0.removeValue(forKey: key) }
            }
        }
        return admitted
    }

    var count: Int { channels.withLockedValue { $0.count } }

    /// Sends `DrainAndClose` to every connection and waits until all have closed; after `timeout`
    /// the stragglers are closed outright.
    func drainAll(timeout: Duration) async {
        let open = channels.withLockedValue { Array($0.values) }
        guard !open.isEmpty else { return }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(DrainAndClose())
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while count > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for channel in channels.withLockedValue({ Array($0.values) }) {
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

import Logging
import NIOCore
import ServiceLifecycle

/// The part every listener's `run()` shares once its channel is bound: publish the address, count the
/// listener as open for `/readyz`, log where it listens, serve until graceful shutdown closes the
/// channel, then count it closed. What a source does afterwards (draining its connections) stays its own.
enum ListenerLifetime {
    /// `beforeClose` runs when graceful shutdown begins, while the socket is still open and served;
    /// the channel closes when it returns.
    static func serve(
        _ channel: any Channel, name: String, inherited: Bool,
        bound: BoundAddress, health: DaemonHealth, logger: Logger,
        beforeClose: (@Sendable () async -> Void)? = nil
    ) async {
        bound.value = channel.localAddress
        health.listenerOpened()
        logger.info("\(name) source listening", metadata: [
            LogKey.address: "\(channel.localAddress.map { "\($0)" } ?? "?")",
            LogKey.socket: "\(inherited ? "systemd" : "bound")",
        ])
        await withDiscardingTaskGroup { tasks in
            tasks.addTask {
                // Waits for graceful shutdown; cancelled below if the channel closes on its own first.
                guard (try? await gracefulShutdown()) != nil else { return }
                await beforeClose?()
                // For UDP, closing also flushes the handler's last batch into the ring:
                // channelReadComplete has run for every read, so nothing is held between reads.
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            tasks.cancelAll()
        }
        health.listenerClosed()
    }
}

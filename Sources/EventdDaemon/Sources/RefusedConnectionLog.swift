import EventdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The warning for connections refused at a connection cap. A client that opens connections in a
/// loop would otherwise write one line per attempt: at most one line per `interval`, with how many
/// refusals it stands for. The peer is named as eventd stores addresses: anonymised under
/// `privacy.anonymize_ip`, and never with its port.
final class RefusedConnectionLog: Sendable {
    private let limiter: NIOLockedValueBox<RateLimitedLog>
    private let anonymizeIP: Bool

    init(anonymizeIP: Bool, interval: Duration = .seconds(10)) {
        self.anonymizeIP = anonymizeIP
        limiter = NIOLockedValueBox(RateLimitedLog(interval: interval))
    }

    /// Counts one refusal of `channel`'s connection; logs `message` when a line is due.
    func refused(_ channel: any Channel, _ message: Logger.Message, logger: Logger) {
        guard let count = limiter.withLockedValue({ $0.shouldLog(at: .now) }) else { return }
        logger.warning(message, metadata: [
            LogKey.peer: "\(Self.peer(channel.remoteAddress, anonymize: anonymizeIP))",
            LogKey.count: "\(count)",
        ])
    }

    /// The address as a log shows it: no port; anonymised when asked (every log line naming a peer).
    static func peer(_ address: SocketAddress?, anonymize: Bool) -> String {
        guard let address, let source = SourceAddress(socketAddress: address) else { return "?" }
        return anonymize ? source.anonymised().description : source.description
    }
}

import NIOConcurrencyHelpers

/// The live page's memory: one `StatusSnapshot` of the daemon's own `/metrics` every
/// `ConsoleService.sampleInterval`, the last 15 minutes of them. The same counters `/metrics` and
/// `eventd status` show, read the same way; nothing is counted twice.
public final class ConsoleHistory: Sendable {
    static let window: Duration = .seconds(15 * 60)
    private let capacity: Int
    private let samples = NIOLockedValueBox<[StatusSnapshot]>([])

    init(sampleInterval: Duration) {
        capacity = Int(Self.window / sampleInterval) + 1
    }

    func append(_ sample: StatusSnapshot) {
        samples.withLockedValue { samples in
            samples.append(sample)
            if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
        }
    }

    /// Oldest first.
    var all: [StatusSnapshot] { samples.withLockedValue { $0 } }
}

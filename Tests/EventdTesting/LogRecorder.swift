import Logging
import Synchronization

/// A log backend that keeps every line in memory, for tests that count what eventd logs.
final class LogRecorder: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        var metadata: [String: String] = [:]
    }

    private let lines = Mutex<[Line]>([])

    var all: [Line] { lines.withLock { $0 } }

    /// The lines whose message contains `text`.
    func lines(containing text: String) -> [Line] { all.filter { $0.message.contains(text) } }

    /// A logger writing here, at `level` and above.
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "eventd-test") { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func append(_ line: Line) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(Line(level: event.level, message: event.message.description,
                                 metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}

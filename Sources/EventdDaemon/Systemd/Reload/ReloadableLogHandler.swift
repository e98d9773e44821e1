import Logging

/// A log handler whose level follows `log.level` across config reloads.
///
/// swift-log copies a handler into every `Logger`, so changing the level later means every copy must
/// read it from one shared place: `level`. A logger that sets its own level keeps it.
public struct ReloadableLogHandler: LogHandler {
    private var inner: any LogHandler
    private let level: LiveValue<Logger.Level>
    private var ownLevel: Logger.Level?

    public init(wrapping inner: any LogHandler, level: LiveValue<Logger.Level>) {
        // `Logger` compares against this handler's level; the inner one must not filter again.
        var inner = inner
        inner.logLevel = .trace
        self.inner = inner
        self.level = level
    }

    public var logLevel: Logger.Level {
        get { ownLevel ?? level.value }
        set { ownLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public func log(event: LogEvent) {
        inner.log(event: event)
    }
}

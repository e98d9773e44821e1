import Foundation
import Logging

/// One JSON object per line on standard error: `{"ts":…,"level":…,"label":…,"msg":…,<metadata>}`,
/// for log shippers that parse structured logs (journald, Vector, Loki).
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var writer = JSONWriter()
        writer.raw("{\"ts\":")
        writer.string(Date().formatted(.iso8601))
        writer.raw(",\"level\":")
        writer.string(event.level.rawValue)
        writer.raw(",\"label\":")
        writer.string(label)
        writer.raw(",\"msg\":")
        writer.string(event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            writer.raw(",")
            writer.string(key)
            writer.raw(":")
            writer.string(value.description)
        }
        writer.raw("}\n")
        FileHandle.standardError.write(Data(writer.bytes))
    }
}

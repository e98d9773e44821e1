import EventdCore
import EventdPostgres
import Foundation
import Logging

/// `eventd import`: history files through the same decode, validation and enrichment as live traffic,
/// into PostgreSQL with the loader's COPY path (`CopyLoader`: duplicates absorbed, poison rows
/// dead-lettered), then one rollup run for everything at the end.
///
/// Files may hold eventd's own shapes or a vendor's (`ImportFormat`: PostHog, Mixpanel, Snowplow),
/// which the vendor's adapter rewrites as it does live traffic; a refused vendor event keeps its own
/// bytes in `analytics.rejected_events.raw`.
///
/// Running it again over the same files stores nothing twice for events that carry an id
/// (`messageId` and friends; PostHog's `uuid`, Mixpanel's `$insert_id`, Snowplow's `eid`): their
/// event id is derived from it. Events without an id get a fresh one each time, as they do live.
public final class ImportRunner {
    public struct Summary: Sendable, CustomStringConvertible {
        public var files = 0
        public var texts = 0
        public var accepted = 0
        public var refused = 0
        public var inserted = 0
        public var duplicates = 0
        public var refusedByDatabase = 0
        public var bytes = 0
        public var seconds = 0.0

        public var description: String {
            let rate = seconds > 0 ? Double(accepted + refused) / seconds : 0
            return """
                imported \(files) file(s), \(StatusReport.count(Double(bytes))) bytes in \(StatusReport.duration(seconds)) \
                (\(StatusReport.count(rate)) events/s): \(inserted) stored, \(duplicates) already there, \
                \(refused) refused by eventd and \(refusedByDatabase) by PostgreSQL (in analytics.rejected_events, \
                source_key import:FILE:LINE)
                """
        }
    }

    private let loader: CopyLoader
    private let batchRows: Int
    private let limits: IngestLimits
    private let format: ImportFormat
    private let logger: Logger
    private let clock = ContinuousClock()
    private var decoder = EventDecoder()
    private let pool = BatchPool()
    /// The decoder's own refusal rows for one text, rewritten with the file and line before they go.
    private let textRefusals = RowBuffer(table: .rejectedEvents)

    /// `copyFormat` is `loader.copy_format`: the COPY format rows go to PostgreSQL in, as on the live path.
    public init(batchRows: Int, limits: IngestLimits, format: ImportFormat = .auto, copyFormat: CopyFormat = .binary,
                logger: Logger, connect: @escaping () throws -> PostgresConnection) {
        self.loader = CopyLoader(logger: logger, format: copyFormat, connect: connect)
        self.batchRows = batchRows
        self.limits = limits
        self.format = format
        self.logger = logger
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Imports `paths` (`-` is standard input) in order; `progress` is called after every committed
    /// batch and at the end of each file.
    public func run(paths: [String], progress: (ImportProgress) -> Void) throws -> Summary {
        let started = clock.now
        var summary = Summary()
        let inputs = try paths.map { path throws(ImportInput.Failure) in try ImportInput(path: path) }
        let total = inputs.allSatisfy { $0.sizeOnDisk != nil } ? inputs.reduce(0) { $0 + ($1.sizeOnDisk ?? 0) } : nil
        var readBefore = 0
        let batch = pool.take()
        func report(_ file: String, _ read: Int) {
            progress(ImportProgress(file: file, bytesRead: readBefore + read, bytesTotal: total, events: summary.accepted,
                                    refused: summary.refused,
                                    elapsedSeconds: (clock.now - started).seconds))
        }
        for input in inputs {
            let label = "import:" + (input.name == "-" ? "stdin" : String(input.name.split(separator: "/").last ?? "file"))
            var texts = ImportTexts()
            var fileFormat: ImportFormat? = format == .auto ? nil : format
            var chunk: [UInt8] = []
            var more = true
            while more {
                chunk.removeAll(keepingCapacity: true)
                more = try input.read(into: &chunk)
                try texts.feed(chunk, atEnd: !more) { text, position in
                    let shape = fileFormat ?? ImportFormat.sniff(text, maxDepth: limits.maxDepth)
                    fileFormat = shape
                    decode(text, position: position, label: label, adapter: shape.adapter, into: batch, summary: &summary)
                    if batch.events.rowCount + batch.rejections.rowCount >= batchRows {
                        try commit(batch, summary: &summary)
                        batch.reset()
                        report(input.name, input.consumed)
                    }
                }
            }
            if texts.endedInsideArray {
                throw Failure(description: "\(input.name) ends inside its JSON array: the file is truncated (events up to element \(texts.position) were imported)")
            }
            summary.files += 1
            summary.texts += texts.position
            readBefore += input.consumed
            report(input.name, 0)
        }
        if !batch.isEmpty { try commit(batch, summary: &summary) }
        summary.bytes = readBefore
        summary.seconds = (clock.now - started).seconds
        loader.disconnect()
        return summary
    }

    private func decode(_ text: UnsafeRawBufferPointer, position: Int, label: String, adapter: (any ImportableProtocol)?,
                        into batch: IngestBatch, summary: inout Summary) {
        var context = IngestContext(receivedAt: Timestamp.now(), transport: .sql, sourceKey: label, limits: limits)
        let sender: SenderBytes?
        let result: DecodeSummary
        if let adapter, let rewritten = Self.rewrite(text, adapter: adapter, receivedAt: context.receivedAt,
                                                     maxDepth: limits.maxDepth) {
            sender = rewritten.sender
            result = decoder.decode(rewritten.text, context: context, into: batch.events, rejected: textRefusals,
                                    sender: rewritten.sender)
        } else {
            sender = nil
            result = decoder.decode(text, context: context, into: batch.events, rejected: textRefusals)
        }
        summary.accepted += result.accepted
        guard result.rejected > 0 else { return }
        summary.refused += result.rejected
        // Refusals say where they came from: the file and the line (or array element).
        context.sourceKey = "\(label):\(position)"
        for rejection in decoder.rejections {
            if let sender {
                sender.bytes.withUnsafeBytes {
                    let raw = UnsafeRawBufferPointer(rebasing: $0[sender.range(forIndex: rejection.index)])
                    CopyRowEncoder.appendRejection(rejection, raw: raw, context: context, to: batch.rejections)
                }
            } else {
                let raw = UnsafeRawBufferPointer(rebasing: text[rejection.rawRange.clamped(to: 0..<text.count)])
                CopyRowEncoder.appendRejection(rejection, raw: raw, context: context, to: batch.rejections)
            }
        }
        textRefusals.removeAll()
    }

    /// A vendor record as the decoder's text (the adapter's mapping of each of its events) and the
    /// vendor's own bytes; nil when the record is not JSON (the decoder then refuses it as it is).
    static func rewrite(_ text: UnsafeRawBufferPointer, adapter: any ImportableProtocol, receivedAt: Int64,
                        maxDepth: Int) -> (text: [UInt8], sender: SenderBytes)? {
        let bytes = Array(text)
        guard let record = JSONValue.parse(bytes, maxDepth: maxDepth) else { return nil }
        let events = adapter.importEvents(of: record)
        let mapped = events.map { adapter.importMap($0, receivedAt: receivedAt) }
        return (EventdEvent.batchText(mapped), .batch(bytes, members: adapter.importBatchMembers, events: events))
    }

    /// Commits one batch; a lost connection is retried (the same rows again: duplicates are absorbed)
    /// for up to a minute before the import stops with the position it reached.
    private func commit(_ batch: IngestBatch, summary: inout Summary) throws {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
        let giveUpAt = clock.now + .seconds(60)
        while true {
            do {
                let report = try loader.load([batch])
                summary.inserted += report.inserted
                summary.duplicates += report.duplicates
                summary.refusedByDatabase += report.refused.count
                return
            } catch let error as PostgresError where error.isConnectionProblem && clock.now < giveUpAt {
                logger.warning("import: PostgreSQL connection lost; retrying the batch", metadata: [LogKey.error: "\(error)"])
                Thread.sleep(forTimeInterval: backoff.nextDelay().seconds)
            } catch {
                throw Failure(description: "import stopped: \(error). What was committed stays; run the same command again to finish (events with ids are not stored twice)")
            }
        }
    }
}

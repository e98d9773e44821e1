@testable import EventdDaemon
import EventdCore
import Foundation
import Logging

/// A fresh spool directory under /tmp, removed by `remove()`.
struct TemporarySpoolDirectory {
    let path = "/tmp/eventd-test-spool-\(UInt32.random(in: 0 ... .max))"

    func settings(maxBytes: Int = 1 << 20, segmentBytes: Int = 64 << 10, fsync: SpoolFsyncPolicy = .batch) -> SpoolSettings {
        SpoolSettings(directory: path, maxBytes: maxBytes, segmentBytes: segmentBytes, fsync: fsync)
    }

    func open(_ settings: SpoolSettings? = nil, metrics: SpoolMetrics? = nil) throws -> Spool {
        var logger = Logger(label: "spool-test")
        logger.logLevel = .critical
        return try Spool.open(settings: settings ?? self.settings(), logger: logger, metrics: metrics)
    }

    func segmentFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasPrefix("segment-") }.sorted()
    }

    func quarantineFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path + "/quarantine")) ?? []
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A batch of `rows` fake COPY rows `name-i\t…\n` (the spool does not look inside rows).
func spoolTestBatch(_ name: String, rows: Int, rejections: Int = 0) -> IngestBatch {
    let batch = IngestBatch(initialCapacity: 1024)
    var text = ""
    for i in 0..<rows { text += "\(name)-\(i)\tvalue with \\n escaped\n" }
    Array(text.utf8).withUnsafeBytes { _ = batch.events.appendEncodedRows($0, minOccurredAt: 1, maxOccurredAt: 2) }
    var refused = ""
    for i in 0..<rejections { refused += "refused-\(name)-\(i)\n" }
    Array(refused.utf8).withUnsafeBytes { _ = batch.rejections.appendEncodedRows($0, minOccurredAt: .max, maxOccurredAt: .min) }
    batch.received = rows + rejections
    return batch
}

/// The first column of every event row of `batches`, in order.
func spoolTestNames(_ batches: [IngestBatch]) -> [String] {
    batches.flatMap { batch in
        batch.events.withUnsafeBytes { bytes in
            (0..<batch.events.rowCount).map { i in
                let row = bytes[batch.events.rowRange(i)]
                return String(decoding: row.prefix { $0 != 0x09 }, as: UTF8.self)
            }
        }
    }
}

/// Reads and commits everything in the spool; returns the rows' names in replay order.
func drainSpool(_ spool: Spool) throws -> [String] {
    var names: [String] = []
    let pool = BatchPool()
    while let chunk = try spool.readChunk(maxRows: 7, pool: pool) {
        names += spoolTestNames(chunk.batches)
        try spool.commit(chunk)
    }
    return names
}

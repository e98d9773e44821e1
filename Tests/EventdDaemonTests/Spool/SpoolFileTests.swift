@testable import EventdDaemon
import EventdCore
import Foundation
import MetricsTestKit
import Testing

/// The spool's files: records come back in order, survive a reopen, and bad bytes are quarantined
/// without stopping replay; the size bound refuses cleanly.
@Suite struct SpoolFileTests {
    @Test func recordsComeBackInOrderAcrossSegmentsAndSegmentsAreDeletedOnceReplayed() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        let spool = try directory.open(directory.settings(segmentBytes: 4_096))
        for i in 0..<20 { try spool.append([spoolTestBatch("b\(i)", rows: 5, rejections: 1)]) }
        #expect(directory.segmentFiles().count >= 2, "small segments rotate")
        #expect(spool.pendingRecords == 20)
        let names = try drainSpool(spool)
        #expect(names == (0..<20).flatMap { i in (0..<5).map { "b\(i)-\($0)" } })
        #expect(spool.isEmpty && spool.pendingBytes == 0)
        #expect(directory.segmentFiles().isEmpty, "replayed segments are deleted")
    }

    @Test func reopenedSpoolResumesAfterTheLastCommittedChunk() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        var spool: Spool? = try directory.open()
        for i in 0..<4 { try spool!.append([spoolTestBatch("r\(i)", rows: 7)]) }
        let pool = BatchPool()
        let first = try #require(try spool!.readChunk(maxRows: 7, pool: pool))
        try spool!.commit(first)
        spool!.close()
        spool = nil

        let reopened = try directory.open()
        #expect(reopened.pendingRecords == 3)
        #expect(try drainSpool(reopened) == (1..<4).flatMap { i in (0..<7).map { "r\(i)-\($0)" } })
        // Appends after a restart go to a new segment, never after a previous run's (possibly torn) tail.
        try reopened.append([spoolTestBatch("late", rows: 1)])
        #expect(try drainSpool(reopened) == ["late-0"])
    }

    /// Issue 13's reproduction, with clean restarts only: PostgreSQL down (records spooled), a restart
    /// that replays and empties the spool, a restart during a second outage (records spooled again), and
    /// one more start. The second outage's records used to go into segment 1 again — below the cursor —
    /// and the next start deleted them.
    @Test func recordsSpooledAfterARestartThatEmptiedTheSpoolSurviveTheNextStart() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        do {  // (1) PostgreSQL down: acknowledged as spooled
            let spool = try directory.open()
            try spool.append([spoolTestBatch("first-outage", rows: 3)])
            spool.close()
        }
        do {  // (2) restart with PostgreSQL up: replayed and emptied
            let spool = try directory.open()
            #expect(try drainSpool(spool) == ["first-outage-0", "first-outage-1", "first-outage-2"])
            spool.close()
        }
        #expect(directory.segmentFiles().isEmpty)
        do {  // (3) restart, PostgreSQL down again: acknowledged as spooled
            let spool = try directory.open()
            try spool.append([spoolTestBatch("second-outage", rows: 2)])
            spool.close()
        }
        for _ in 0..<2 {  // (4) the next starts find them (and a start that replays nothing keeps them)
            let spool = try directory.open()
            #expect(spool.pendingRecords == 1)
            spool.close()
        }
        let spool = try directory.open()
        #expect(try drainSpool(spool) == ["second-outage-0", "second-outage-1"])
        #expect(directory.segmentFiles().isEmpty)
    }

    @Test func newSegmentsAreNumberedAboveTheCursorEvenWhenNoSegmentFileIsLeft() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        for round in 0..<3 {
            let spool = try directory.open(directory.settings(segmentBytes: 256))
            for i in 0..<3 { try spool.append([spoolTestBatch("round\(round)-\(i)", rows: 4)]) }
            let appended = directory.segmentFiles().compactMap(SpoolSegment.sequence(ofFileName:))
            let cursor = SpoolCursor.read(directory: directory.path)
            #expect(appended.allSatisfy { $0 > (cursor?.segment ?? 0) }, "round \(round): \(appended) vs \(String(describing: cursor))")
            #expect(try drainSpool(spool).count == 12)
            spool.close()
        }
    }

    @Test func tornTailAndCorruptRecordAreQuarantinedAndTheRestReplays() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        let metrics = TestMetrics()
        var spool: Spool? = try directory.open()
        for i in 0..<3 { try spool!.append([spoolTestBatch("c\(i)", rows: 3)]) }
        spool!.close()
        spool = nil
        let segment = directory.path + "/" + directory.segmentFiles()[0]
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        let recordSize = bytes.count / 3
        bytes[recordSize + 40] ^= 0xFF                          // flip a byte in the second record
        bytes += [0x45, 0x53, 0x50, 0x31, 0x00, 0x10, 0x00]     // a torn header at the end (a crash mid-write)
        try Data(bytes).write(to: URL(fileURLWithPath: segment))

        let status = try SpoolOperations.status(settings: directory.settings(), logger: .init(label: "t"))
        #expect(status.records == 2 && status.invalidSpans == 2)

        let reopened = try directory.open(metrics: SpoolMetrics(factory: metrics))
        #expect(try drainSpool(reopened) == ["c0-0", "c0-1", "c0-2", "c2-0", "c2-1", "c2-2"])
        #expect(directory.quarantineFiles().count == 2)
        #expect(try metrics.expectCounter(MetricName.spoolQuarantined).totalValue == 2)
        #expect(try metrics.expectCounter(MetricName.spoolQuarantinedBytes).totalValue == Int64(recordSize + 7))
    }

    @Test func appendPastMaxBytesIsRefusedWholeAndLeavesNothingBehind() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        let spool = try directory.open(directory.settings(maxBytes: 8_192, segmentBytes: 4_096))
        var accepted = 0
        var refusal: SpoolError?
        for i in 0..<100 {
            do {
                try spool.append([spoolTestBatch("f\(i)", rows: 10), spoolTestBatch("g\(i)", rows: 10)])
                accepted += 1
            } catch {
                refusal = error
                break
            }
        }
        #expect(refusal?.code == .full)
        #expect(accepted > 0)
        #expect(spool.diskBytes <= 8_192)
        #expect(spool.pendingRecords == accepted * 2)
        #expect(try drainSpool(spool).count == accepted * 20)
        try spool.append([spoolTestBatch("after", rows: 1)])  // replay gave the space back
    }

    @Test func secondOpenOfALockedSpoolIsRefused() throws {
        let directory = TemporarySpoolDirectory()
        defer { directory.remove() }
        let spool = try directory.open()
        #expect(throws: SpoolError.self) { try directory.open() }
        #expect(Spool.isLocked(directory: directory.path))
        spool.close()
        #expect(!Spool.isLocked(directory: directory.path))
    }

    /// A record written before refusal rows carried `rejection_id` (version 1) is still replayed, each
    /// refusal row given its key, the same key on every read.
    @Test func aVersionOneRecordIsRestoredWithRejectionIDsAdded() throws {
        let batch = spoolTestBatch("v1", rows: 2, rejections: 2)
        let meta = SpoolRecord.meta(of: batch, spooledAt: 1)
        var record = SpoolRecord.prefix(for: batch, meta: meta)
        batch.events.withUnsafeBytes { record.append(contentsOf: $0) }
        batch.rejections.withUnsafeBytes { record.append(contentsOf: $0) }
        record[SpoolRecord.headerBytes] = SpoolRecord.versionWithoutRejectionID
        let crc = record.withUnsafeBytes { bytes in
            SpoolRecord.crc32Update(SpoolRecord.crc32Update(0, UnsafeRawBufferPointer(rebasing: bytes[4..<8])),
                                    UnsafeRawBufferPointer(rebasing: bytes[SpoolRecord.headerBytes...]))
        }
        record.storeLE(crc, at: 8)

        func restoredRejections() throws -> [String] {
            try record.withUnsafeBytes { bytes in
                let validated = try #require(SpoolRecord.validate(bytes))
                let restored = IngestBatch(initialCapacity: 1024)
                #expect(SpoolRecord.restore(bytes, meta: validated, into: restored))
                #expect(restored.events.rowCount == 2)
                return (0..<restored.rejections.rowCount).map { i in
                    restored.rejections.withUnsafeBytes { String(decoding: $0[restored.rejections.rowRange(i)], as: UTF8.self) }
                }
            }
        }
        let rows = try restoredRejections()
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.hasPrefix("refused-v1-") && $0.split(separator: "\t").count == 2 && $0.hasSuffix("\n") })
        #expect(rows[0] != rows[1])
        #expect(try restoredRejections() == rows, "the same keys on every replay")
    }
}

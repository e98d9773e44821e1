@testable import EventdDaemon
import EventdCore
import EventdPostgres
import Foundation
import Logging
import Testing
@testable import EventdTesting

/// The binary COPY stream is encoded and sent a chunk at a time (`RowSelection.encodeBinary(into:chunkBytes:flush:)`),
/// so a cut in flight never holds its whole binary payload: the chunks together are exactly the whole stream,
/// each is bounded, and a row the encoder cannot read part-way through still sends the cut as text.
@Suite(.serialized)
struct BinaryCopyChunkingTests {
    @Test(arguments: [1, 97, 1_000, 4_096, CopyInWriter.maxChunk, Int.max])
    func chunksTogetherAreTheWholeStream(chunkBytes: Int) throws {
        let selection = RowSelection.all(of: try BinaryCopyTests.coverageBatches())
        let whole = RowBuffer()
        #expect(selection.encodeBinary(into: whole))
        let wholeBytes = whole.withUnsafeBytes { Array($0) }
        let largestRow = (0..<whole.rowCount).map { whole.rowRange($0).count }.max() ?? 0

        var chunks: [[UInt8]] = []
        let scratch = RowBuffer()
        let ok = selection.encodeBinary(into: scratch, chunkBytes: chunkBytes) { chunks.append($0.withUnsafeBytes { Array($0) }) }
        #expect(ok)
        #expect(chunks.flatMap { $0 } == wholeBytes)
        // Every chunk but the last reached `chunkBytes` and holds at most one row more (the header rides in the first).
        for chunk in chunks.dropLast() {
            #expect(chunk.count >= chunkBytes && chunk.count < chunkBytes + largestRow + 19)
        }
        if chunkBytes == .max { #expect(chunks.count == 1, "without a chunk size, one flush at the end") }
        if chunkBytes <= 1_000 { #expect(chunks.count > 1, "the coverage rows span several chunks") }
    }

    @Test func rowTheEncoderCannotReadStopsTheStreamBeforeItsTrailer() throws {
        let batches = [try Self.batchWithUnreadableRow(at: 30, of: 40)]
        var flushed: [UInt8] = []
        let ok = RowSelection.all(of: batches).encodeBinary(into: RowBuffer(), chunkBytes: 256) {
            flushed += $0.withUnsafeBytes { Array($0) }
        }
        #expect(!ok)
        // What was handed on is the start of the stream of the 30 rows before it, without its trailer.
        let before = IngestBatch()
        before.events.appendRows(of: batches[0].events, 0..<30)
        let complete = RowBuffer()
        #expect(RowSelection.all(of: [before]).encodeBinary(into: complete))
        let prefix = complete.withUnsafeBytes { Array($0.dropLast(2)) }
        #expect(!flushed.isEmpty, "rows before the unreadable one were already handed on")
        #expect(flushed.count <= prefix.count && flushed == Array(prefix.prefix(flushed.count)))
    }

    @Test func unreadableRowFoundAfterChunksWereSentLoadsTheCutAsText() throws {
        try withTestDatabase { database in
            let batches = [try Self.batchWithUnreadableRow(at: 30, of: 40)]
            let loader = CopyLoader(logger: Logger(label: "test"), format: .binary, binaryChunkBytes: 256) { try database.connect() }
            defer { loader.disconnect() }
            let report = try loader.load(batches)
            #expect(report.inserted == 40 && report.refused.isEmpty)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events") == 40)
            #expect(try database.scalar("SELECT count(*) FROM analytics.events WHERE original_timestamp = '2026-11-25 12:00:00+00'") == 1)
            // The connection is usable for the next cut, which goes binary again.
            #expect(try loader.load([try Self.batch(ids: 40..<50)]).inserted == 10)
        }
    }

    @Test func smallChunksStoreWhatTextStoresThroughEveryPath() throws {
        try withTestDatabase { database in
            let admin = try database.connect()
            defer { admin.close() }
            try admin.execute("ALTER TABLE analytics.events ADD CONSTRAINT test_no_poison CHECK (name <> 'poison')")
            // The very same batches both ways (receipt times and refusal ids would differ if decoded again).
            let coverage = try BinaryCopyTests.coverageBatches()
            let poisoned = try Self.batch(ids: 0..<40, poisonAt: 23)
            var stored: [[[String]]] = []
            var reports: [[Int]] = []
            for (format, chunkBytes) in [(CopyFormat.text, CopyInWriter.maxChunk), (.binary, 97)] {
                try admin.execute("TRUNCATE analytics.events, analytics.rejected_events, analytics.untimed_event_ids")
                let loader = CopyLoader(logger: Logger(label: "test"), format: format, binaryChunkBytes: chunkBytes) {
                    try database.connect()
                }
                defer { loader.disconnect() }
                let fast = try loader.load(coverage)
                let staged = try loader.load(coverage)
                let bisected = try loader.load([poisoned])
                reports.append([fast.inserted, staged.duplicates, bisected.inserted, bisected.refused.count])
                stored.append(try BinaryCopyTests.rows(admin, BinaryCopyTests.storedRows))
            }
            let n = BinaryCopyTests.coverageLineCount
            #expect(reports == [[n, n, 39, 1], [n, n, 39, 1]])
            #expect(stored[0].count == n + 39 && stored[0] == stored[1])
        }
    }

    // MARK: - Support

    static func batch(ids: Range<Int>, poisonAt poison: Int? = nil) throws -> IngestBatch {
        let lines = ids.map { i in
            #"{"type":"track","event":"\#(i == poison ? "poison" : "fine")","anonymousId":"a","messageId":"c-\#(i)","timestamp":"2026-11-25T12:00:01Z"}"#
        }
        return try BinaryCopyTests.batch(lines, context: IngestContext(receivedAt: Timestamp.now(), transport: .tcp))
    }

    /// `count` rows; the one at `index` has a timestamp PostgreSQL reads but `BinaryCopyEncoder` does not
    /// (not the 29-byte form eventd writes).
    static func batchWithUnreadableRow(at index: Int, of count: Int) throws -> IngestBatch {
        let decoded = try batch(ids: 0..<count)
        let batch = IngestBatch()
        for row in 0..<decoded.events.rowCount {
            var text = decoded.events.withUnsafeBytes { String(decoding: $0[decoded.events.rowRange(row)], as: UTF8.self) }
            if row == index { text = text.replacingOccurrences(of: "12:00:01.000000+00", with: "12:00:00+00") }
            var bytes = Array(text.utf8)
            let appended = bytes.withUnsafeMutableBytes {
                batch.events.appendEncodedRows(UnsafeRawBufferPointer($0), minOccurredAt: 0, maxOccurredAt: 0)
            }
            precondition(appended, "a decoded row appends")
        }
        return batch
    }
}

import CZlib
import EventdCore

/// The spool's on-disk record: one `IngestBatch` (its encoded event rows, its encoded refusals, and
/// what replay needs to rebuild it), framed so that a torn or corrupted record is recognised.
///
/// ```
/// header  0  magic    UInt32 LE   "ESP1"
///         4  length   UInt32 LE   payload bytes
///         8  crc      UInt32 LE   CRC-32 (zlib's, IEEE polynomial) of the 4 length bytes, then the payload
/// payload 0  version  UInt8 = 2, flags UInt8 = 0, reserved UInt16 = 0
///                     (version 1: refusal rows without `rejection_id`; still read, see `restore`)
///         4  spooledAt       Int64 LE   µs since the epoch (the spool's age metric)
///        12  received        UInt32     events decoded into the batch (accepted + refused)
///        16  eventRows, eventBytes, rejectedRows, rejectedBytes   UInt32 each
///        32  minOccurredAt, maxOccurredAt                         Int64 each
///        48  event rows (COPY text, each ends with \n), then the refusal rows
/// ```
/// The CRC covers the length, so a flipped length cannot make a garbage span look like a record.
/// Row counts are stored and checked against the newlines found, a second guard against a record
/// whose CRC happens to match.
enum SpoolRecord {
    static let magic: UInt32 = 0x3150_5345  // "ESP1" little-endian
    static let headerBytes = 12
    static let fixedPayloadBytes = 48
    static let version: UInt8 = 2
    /// Records written before refusal rows carried `rejection_id`; replay adds it.
    static let versionWithoutRejectionID: UInt8 = 1
    /// A length above this is corruption, never a batch (batches are cut at about 1 MiB).
    static let maxPayloadBytes = 1 << 30

    /// What a record says about its batch, without the rows.
    struct Meta: Sendable, Equatable {
        var spooledAt: Int64
        var received: Int
        var eventRows: Int
        var eventBytes: Int
        var rejectedRows: Int
        var rejectedBytes: Int
        var minOccurredAt: Int64
        var maxOccurredAt: Int64

        var payloadBytes: Int { SpoolRecord.fixedPayloadBytes + eventBytes + rejectedBytes }
        var recordBytes: Int { SpoolRecord.headerBytes + payloadBytes }
    }

    static func meta(of batch: IngestBatch, spooledAt: Int64) -> Meta {
        Meta(spooledAt: spooledAt, received: batch.received,
             eventRows: batch.events.rowCount, eventBytes: batch.events.count,
             rejectedRows: batch.rejections.rowCount, rejectedBytes: batch.rejections.count,
             minOccurredAt: batch.events.minOccurredAt, maxOccurredAt: batch.events.maxOccurredAt)
    }

    /// The header and fixed payload part (60 bytes) for `batch`; the rows follow it as they are in the
    /// batch's buffers, so writing a record copies nothing but these bytes.
    static func prefix(for batch: IngestBatch, meta: Meta) -> [UInt8] {
        var fixed = [UInt8]()
        fixed.reserveCapacity(headerBytes + fixedPayloadBytes)
        fixed.appendLE(magic)
        fixed.appendLE(UInt32(meta.payloadBytes))
        fixed.appendLE(UInt32(0))  // crc, filled in below
        fixed.append(contentsOf: [version, 0, 0, 0])
        fixed.appendLE(UInt64(bitPattern: meta.spooledAt))
        fixed.appendLE(UInt32(meta.received))
        fixed.appendLE(UInt32(meta.eventRows))
        fixed.appendLE(UInt32(meta.eventBytes))
        fixed.appendLE(UInt32(meta.rejectedRows))
        fixed.appendLE(UInt32(meta.rejectedBytes))
        fixed.appendLE(UInt64(bitPattern: meta.minOccurredAt))
        fixed.appendLE(UInt64(bitPattern: meta.maxOccurredAt))
        var crc = fixed.withUnsafeBytes { crc32Update(0, UnsafeRawBufferPointer(rebasing: $0[4..<8])) }
        crc = fixed.withUnsafeBytes { crc32Update(crc, UnsafeRawBufferPointer(rebasing: $0[headerBytes...])) }
        crc = batch.events.withUnsafeBytes { crc32Update(crc, $0) }
        crc = batch.rejections.withUnsafeBytes { crc32Update(crc, $0) }
        fixed.storeLE(crc, at: 8)
        return fixed
    }

    /// The payload length a header announces, or nil when the header is not one of ours.
    static func payloadLength(header: UnsafeRawBufferPointer) -> Int? {
        guard header.count >= headerBytes, header.loadLE(at: 0) == magic else { return nil }
        let length = Int(header.loadLE(at: 4))
        guard length >= fixedPayloadBytes, length <= maxPayloadBytes else { return nil }
        return length
    }

    /// Checks a whole record (header + payload) and returns its metadata, or nil if it is corrupt.
    static func validate(_ record: UnsafeRawBufferPointer) -> Meta? {
        guard let length = payloadLength(header: record), record.count == headerBytes + length else { return nil }
        var crc = crc32Update(0, UnsafeRawBufferPointer(rebasing: record[4..<8]))
        crc = crc32Update(crc, UnsafeRawBufferPointer(rebasing: record[headerBytes...]))
        guard crc == record.loadLE(at: 8) else { return nil }
        let p = UnsafeRawBufferPointer(rebasing: record[headerBytes...])
        guard p[0] == version || p[0] == versionWithoutRejectionID else { return nil }
        let meta = Meta(
            spooledAt: Int64(bitPattern: p.loadLE64(at: 4)), received: Int(p.loadLE(at: 12)),
            eventRows: Int(p.loadLE(at: 16)), eventBytes: Int(p.loadLE(at: 20)),
            rejectedRows: Int(p.loadLE(at: 24)), rejectedBytes: Int(p.loadLE(at: 28)),
            minOccurredAt: Int64(bitPattern: p.loadLE64(at: 32)), maxOccurredAt: Int64(bitPattern: p.loadLE64(at: 40)))
        guard meta.payloadBytes == length else { return nil }
        return meta
    }

    /// Refills `batch` (empty, from the pool) with a validated record's rows.
    /// - Returns: false when the rows do not match the counts the record states.
    static func restore(_ record: UnsafeRawBufferPointer, meta: Meta, into batch: IngestBatch) -> Bool {
        let eventsStart = headerBytes + fixedPayloadBytes
        let events = UnsafeRawBufferPointer(rebasing: record[eventsStart ..< eventsStart + meta.eventBytes])
        let rejections = UnsafeRawBufferPointer(rebasing: record[(eventsStart + meta.eventBytes)...])
        let restoredRejections = record[headerBytes] == versionWithoutRejectionID
            ? CopyRowEncoder.appendLegacyRejections(rejections, to: batch.rejections)
            : batch.rejections.appendEncodedRows(rejections, minOccurredAt: .max, maxOccurredAt: .min)
        guard batch.events.appendEncodedRows(events, minOccurredAt: meta.minOccurredAt, maxOccurredAt: meta.maxOccurredAt),
              restoredRejections,
              batch.events.rowCount == meta.eventRows, batch.rejections.rowCount == meta.rejectedRows
        else { return false }
        batch.received = meta.received
        return true
    }

    static func crc32Update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return UInt32(truncatingIfNeeded: crc32(uLong(crc), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE(_ value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func appendLE(_ value: UInt64) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func storeLE(_ value: UInt32, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { for (i, b) in $0.enumerated() { self[offset + i] = b } }
    }
}

extension UnsafeRawBufferPointer {
    func loadLE(at offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func loadLE64(at offset: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
}

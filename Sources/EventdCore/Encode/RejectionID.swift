/// The dead letter's idempotency key: `analytics.rejected_events.rejection_id` is unique and the
/// loader inserts refusals with `ON CONFLICT DO NOTHING`, so a refusal written again — the loader
/// retrying a cut whose COMMIT reply was lost, a spool record replayed after a crash before the
/// cursor moved, a sender resending after a lost ack — stays one row.
///
/// What counts as "the same refusal", the same way `analytics.events` deduplicates:
/// - **The sender gave an id** (`messageId` and friends): the same bytes under the same id from the
///   same write key are the same input however often they arrive, as a resent event is one row.
///   The key hashes write key, id, reason, full size and the stored raw prefix; different bytes
///   (another timestamp, another property) under the same id stay distinct rows.
/// - **No id**: nothing tells a resend from a second send (an id-less event gets a fresh UUIDv7
///   too), so each receipt gets a new random key. It is encoded into the row at receipt and travels
///   with it through the ring, retries and the spool, so only genuine re-writes collapse; two
///   identical malformed lines stay two rows.
/// - **Refused by PostgreSQL** (`rejected_by_database`): the row's own identity in analytics.events,
///   `(event_id, original_timestamp)`, whose event_id was fixed at receipt.
public enum RejectionID {
    /// The key for a refusal found while decoding (see the type's rules).
    /// - Parameter raw: the stored prefix of the refused bytes; `rawSize` is the full size.
    public static func forRefusal(
        messageId: String?, reason: RejectReason, raw: UnsafeRawBufferPointer, rawSize: Int, context: IngestContext
    ) -> EventUUID {
        guard let messageId else { return random(receivedAt: context.receivedAt) }
        var key: [UInt8] = Array("refusal".utf8)
        for field in [context.sourceKey ?? "", messageId, reason.rawValue, String(rawSize)] {
            key.append(0)
            key.append(contentsOf: field.utf8)
        }
        key.append(0)
        key.append(contentsOf: raw)
        return hashed(key)
    }

    /// The key for an encoded analytics.events row that PostgreSQL refused: its event_id and
    /// original_timestamp columns (the 1st and 9th, see `CopyRowEncoder.eventsColumnList`).
    public static func forDatabaseRefusal(eventRow row: some Collection<UInt8>) -> EventUUID {
        let columns = row.split(separator: 0x09, maxSplits: 9, omittingEmptySubsequences: false)
        var key: [UInt8] = Array("rejected_by_database".utf8)
        for index in [0, 8] where index < columns.count {
            key.append(0)
            key.append(contentsOf: columns[index])
        }
        return hashed(key)
    }

    /// The key for a refusal row encoded before refusals had one (a version-1 spool record): a hash
    /// of the whole row (receipt time, source, reason, raw prefix) and its position in the record, so
    /// a replayed record gets the same keys and two identical rows in it stay two.
    public static func forLegacyRow(_ row: UnsafeRawBufferPointer, position: Int) -> EventUUID {
        hashed(Array("legacy \(position)".utf8) + [0] + Array(row))
    }

    private static func hashed(_ key: [UInt8]) -> EventUUID {
        key.withUnsafeBufferPointer { EventUUID.v8(hashing: $0.baseAddress!, count: $0.count) }
    }

    /// A UUIDv7 from the receipt time and 74 random bits: unique per receipt, and time-ordered so the
    /// unique index grows at its right edge like the table does.
    private static func random(receivedAt: Int64) -> EventUUID {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(receivedAt, 0) / 1000) & 0xFFFF_FFFF_FFFF
        let bits = generator.next()
        return EventUUID(hi: millis << 16 | 0x7000 | (bits & 0xFFF),
                         lo: (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }
}

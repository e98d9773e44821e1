/// The COPY column lists and the refusal row writer. Event rows are written by `EventDecoder`
/// while it validates (columns in exactly `eventsColumnList` order), so no intermediate event
/// value exists; this type holds what the loader and the dead-letter path need.
public enum CopyRowEncoder {
    /// `COPY analytics.events (<this>) FROM STDIN` — created_at is left to its default (DB clock).
    public static let eventsColumnList =
        "event_id, message_id, type, name, session_id, user_id, anonymous_id, occurred_at, original_timestamp, "
        + "sent_at, received_at, properties, context, transport, source_ip, source_key, user_agent, browser, os, "
        + "device_type, country, page_url, page_path, referrer, utm_source, utm_medium, utm_campaign, utm_term, "
        + "utm_content, click_id, is_bot, lead_id"

    /// `COPY analytics.rejected_events (<this>) FROM STDIN`. `rejection_id` is the idempotency key
    /// (`RejectionID`), last so that rows encoded before it existed can be upgraded by appending it.
    public static let rejectedColumnList =
        "received_at, transport, source_ip, source_key, reason, detail, message_id, batch_index, raw, raw_size, rejection_id"

    /// The full COPY statement for a buffer's table.
    public static func copyStatement(for table: CopyTable) -> String {
        switch table {
        case .events: "COPY analytics.events (\(eventsColumnList)) FROM STDIN"
        case .rejectedEvents: "COPY analytics.rejected_events (\(rejectedColumnList)) FROM STDIN"
        }
    }

    /// At most this many bytes of a refused event are kept in `raw` (`raw_size` has the full size).
    public static let maxRawBytes = 8 * 1024

    /// Appends one analytics.rejected_events row. `raw` is the refused event's bytes (bounded here
    /// to `maxRawBytes`); `rawSize` is the full size when `raw` is already only a prefix (oversize lines).
    public static func appendRejection(
        _ rejection: Rejection, raw: UnsafeRawBufferPointer, rawSize: Int? = nil, context: IngestContext, to out: RowBuffer
    ) {
        out.beginRow()
        let ts = out.reserve(Timestamp.formattedCount)
        Timestamp.format(context.receivedAt, into: ts)
        out.advance(Timestamp.formattedCount)
        out.tab()
        out.append(context.transport.staticText)
        out.tab()
        if let a = context.storedSourceAddress {
            let d = out.reserve(SourceAddress.maxFormattedCount)
            out.advance(a.format(into: d))
        } else { out.null() }
        out.tab()
        if let k = context.sourceKey { out.appendEscaped(k) } else { out.null() }
        out.tab()
        out.appendEscaped(rejection.reason.rawValue)
        out.tab()
        out.appendEscaped(rejection.detail)
        out.tab()
        if let m = rejection.messageId { out.appendEscaped(m) } else { out.null() }
        out.tab()
        if let i = rejection.index { out.appendDecimal(i) } else { out.null() }
        out.tab()
        let kept = min(raw.count, maxRawBytes)
        if let base = raw.baseAddress {
            let hex = out.appendByteaHex(base.assumingMemoryBound(to: UInt8.self), kept)
            // A secret write key in a refused body must not reach the dead-letter table.
            WriteKeyRedaction.forEachSecretByte(in: UnsafeRawBufferPointer(rebasing: raw.prefix(kept))) { i in
                hex[2 * i] = 0x32; hex[2 * i + 1] = 0x61  // "2a" = '*'
            }
        } else {
            out.appendByteaHex(UnsafePointer(bitPattern: 1)!, 0)
        }
        out.tab()
        out.appendDecimal(rawSize ?? raw.count)
        out.tab()
        let id = RejectionID.forRefusal(
            messageId: rejection.messageId, reason: rejection.reason,
            raw: UnsafeRawBufferPointer(rebasing: raw.prefix(kept)), rawSize: rawSize ?? raw.count, context: context)
        id.format(into: out.reserve(EventUUID.formattedCount))
        out.advance(EventUUID.formattedCount)
        out.append(0x0A)
    }

    /// Appends refusal rows encoded before `rejection_id` existed (10 columns, each row ending in
    /// `\n`), each with its key added (`RejectionID.forLegacyRow`).
    /// - Returns: false (having appended nothing) when `bytes` is not whole rows.
    public static func appendLegacyRejections(_ bytes: UnsafeRawBufferPointer, to out: RowBuffer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        guard bytes[bytes.count - 1] == 0x0A else { return false }
        var rowStart = 0
        var position = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            let row = UnsafeRawBufferPointer(start: base + rowStart, count: i - rowStart)
            out.beginRow()
            out.append(base.assumingMemoryBound(to: UInt8.self) + rowStart, row.count)
            out.tab()
            RejectionID.forLegacyRow(row, position: position).format(into: out.reserve(EventUUID.formattedCount))
            out.advance(EventUUID.formattedCount)
            out.append(0x0A)
            rowStart = i + 1
            position += 1
        }
        return true
    }
}

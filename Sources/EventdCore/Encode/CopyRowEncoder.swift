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

    /// `COPY analytics.rejected_events (<this>) FROM STDIN`.
    public static let rejectedColumnList =
        "received_at, transport, source_ip, source_key, reason, detail, message_id, batch_index, raw, raw_size"

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
            out.appendByteaHex(base.assumingMemoryBound(to: UInt8.self), kept)
        } else {
            out.appendByteaHex(UnsafePointer(bitPattern: 1)!, 0)
        }
        out.tab()
        out.appendDecimal(rawSize ?? raw.count)
        out.append(0x0A)
    }
}

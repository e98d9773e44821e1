/// PostgreSQL's binary COPY format ("COPY … Binary Format" in the PostgreSQL docs) for
/// `analytics.events`, made from the text rows `EventDecoder` wrote.
///
/// Why a transcoder and not a second decoder output: rows are encoded once, as COPY text, before the
/// ring; the ring, the spool and the dead-letter path keep that one form (the spool's records never
/// say a format, so a restart that changes `loader.copy_format` replays them unchanged). Only the
/// loader turns a cut into binary, right before its COPY. That costs eventd CPU (eventd waits most of
/// the time), and saves PostgreSQL — the bound on a 2-core box — its text parsing of timestamptz,
/// uuid, inet and the COPY unescaping (Benchmarks/RESULTS.md, "Binary COPY").
///
/// A stream is `beginStream`, one `appendEventTuple` per row, `endStream`. A row that is not in the
/// form `CopyRowEncoder`/`EventDecoder` write (a column count or a value this type does not read) is
/// refused with `false`; the loader then sends that cut as text, so PostgreSQL judges it as before.
public enum BinaryCopyEncoder {
    /// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC).
    public static let postgresEpochMicros: Int64 = 946_684_800_000_000

    /// How each column of `CopyRowEncoder.eventsColumnList` is sent.
    enum Column {
        case text, jsonb, uuid, timestamptz, inet, bool

        /// The one width the rows we write give this column's text (a uuid's 36 bytes, a timestamp's
        /// 29), 0 when it varies.
        var formattedWidth: Int {
            switch self {
            case .uuid: EventUUID.formattedCount
            case .timestamptz: Timestamp.formattedCount
            case .text, .jsonb, .inet, .bool: 0
            }
        }
    }

    /// Columns of an analytics.events row, by position in `eventsColumnList` (a switch, not an array:
    /// no global's lazy-init check per column).
    @inline(__always)
    static func eventColumn(_ i: Int) -> Column {
        switch i {
        case 0, 31: .uuid  // event_id, lead_id
        case 7, 8, 9, 10: .timestamptz  // occurred_at, original_timestamp, sent_at, received_at
        case 11, 12: .jsonb  // properties, context
        case 14: .inet  // source_ip
        case 30: .bool  // is_bot
        default: .text  // text columns and the enums (type, transport): their binary form is the label
        }
    }

    /// Columns in an analytics.events row.
    public static let eventColumnCount = 32

    /// Empties `out` and writes the 19-byte header: signature `PGCOPY\n\377\r\n\0`, flags 0, no extension.
    public static func beginStream(_ out: RowBuffer) {
        out.removeAll(keepingCapacity: true)
        let signature: StaticString = "PGCOPY\n"
        out.append(signature)
        out.append(0xFF); out.append(0x0D); out.append(0x0A); out.append(0x00)
        out.appendInt32(0)  // flags: no OIDs
        out.appendInt32(0)  // header extension length
    }

    /// Writes the trailer: a field count of -1.
    public static func endStream(_ out: RowBuffer) {
        out.append(0xFF); out.append(0xFF)
    }

    /// Appends one binary tuple made from one COPY text row of analytics.events (`row`, with or without
    /// its `\n`). Each tuple is a row of `out` (`rowCount`, `rowStarts`).
    /// - Returns: false, having appended nothing, when `row` is not a row this type can read.
    public static func appendEventTuple(fromTextRow row: UnsafeRawBufferPointer, to out: RowBuffer) -> Bool {
        guard let base = row.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var end = row.count
        if end > 0, base[end - 1] == 0x0A { end -= 1 }
        let mark = out.mark
        out.beginRow()
        out.appendInt16(Int16(eventColumnCount))
        var start = 0
        var column = 0
        while true {
            guard column < eventColumnCount else { out.rollback(to: mark); return false }
            let kind = eventColumn(column)
            let ok: Bool
            let next: Int
            if end - start >= 2, base[start] == 0x5C, base[start + 1] == 0x4E,
               start + 2 == end || base[start + 2] == 0x09 {
                out.appendInt32(-1)  // \N: NULL
                ok = true
                next = start + 2
            } else if kind == .text || kind == .jsonb {
                (ok, next) = out.appendUnescapedField(base, from: start, to: end, jsonb: kind == .jsonb)
            } else {
                // Look for the tab at the column's one width first, not at every byte on the way (two
                // uuids and four timestamps a row; RESULTS.md, "Where eventd's CPU goes beside a real
                // PostgreSQL"). A value of another width fails to parse either way.
                let width = kind.formattedWidth
                var stop = start + width
                if width == 0 || stop > end || (stop < end && base[stop] != 0x09) {
                    stop = start
                    while stop < end, base[stop] != 0x09 { stop += 1 }
                }
                ok = out.appendFixedField(kind, base + start, stop - start)
                next = stop
            }
            guard ok else { out.rollback(to: mark); return false }
            column += 1
            if next == end { break }
            start = next + 1  // past the tab
        }
        guard column == eventColumnCount else { out.rollback(to: mark); return false }
        return true
    }
}

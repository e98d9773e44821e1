/// Which of PostgreSQL's COPY formats the loader sends rows in (`loader.copy_format`).
///
/// Rows are encoded once, as COPY text, before the ring, and the disk spool keeps that text whatever
/// this says: with `binary` the loader re-encodes each cut right before its COPY
/// (`BinaryCopyEncoder`), so a restart that changes the setting replays the spool unchanged.
public enum CopyFormat: String, Sendable, Hashable, CaseIterable {
    /// COPY text format: PostgreSQL parses every timestamp, uuid and inet from text.
    case text
    /// COPY binary format: timestamps, uuids and addresses arrive in PostgreSQL's own form, which saves
    /// the server the parsing (its CPU bounds throughput); costs eventd a re-encoding per row. A cut
    /// eventd cannot re-encode is sent as text.
    case binary
}

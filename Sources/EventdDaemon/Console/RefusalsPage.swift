import EventdCore
import EventdPostgres

/// `/console/refusals`: what was refused and why — counts by reason over time and the latest refused
/// events from `analytics.rejected_events` (reason, detail, the refused bytes escaped and truncated),
/// filtered by reason, source key and period. The SQL is fixed text (`RefusalQueries`); filter values
/// travel as parameters.
struct RefusalsPage: Sendable {
    let readPath: ConsoleReadPath

    /// What the form asks for; anything not understood is dropped, never put into SQL.
    struct Filter: Sendable, Equatable {
        enum Period: String, CaseIterable, Sendable {
            case hour = "1h", day = "24h", week = "7d"
            var interval: String { self == .hour ? "1 hour" : self == .day ? "24 hours" : "7 days" }
            var bucket: String { self == .hour ? "minute" : "hour" }
        }

        var reason: String?
        var sourceKey: String?
        var period: Period = .day

        init(_ query: [String: String]) {
            reason = query["reason"].flatMap { RejectReason(rawValue: $0) != nil ? $0 : nil }
            sourceKey = query["source_key"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
            period = query["since"].flatMap(Period.init(rawValue:)) ?? .day
        }

        /// The statements the page runs, in order: the counts, then the samples (`RefusalQueries`).
        var statements: [(sql: String, parameters: [String?])] {
            RefusalQueries.statements(interval: period.interval, reason: reason, sourceKey: sourceKey, bucket: period.bucket)
        }
    }

    /// Rows of `RefusalQueries.samples` (its LIMIT).
    static let samplesShown = 50
    /// Bytes of each refused payload shown; the rest is cut with `…` (`RefusalQueries.samples` reads one more).
    static let rawShown = 400

    func render(_ filter: Filter) async -> ConsoleResponse {
        let start = ContinuousClock.now
        let rows: (counts: PostgresRows, samples: PostgresRows)
        do {
            rows = try await readPath.read { connection in
                let statements = filter.statements
                return (try connection.query(statements[0].sql, statements[0].parameters),
                        try connection.query(statements[1].sql, statements[1].parameters))
            }
        } catch {
            return .html(ConsolePage.refusals.render(body: form(filter) + "<p class=\"bad\">\(HTMLText.escape(error.description))</p>"))
        }
        let milliseconds = (ContinuousClock.now - start).milliseconds
        return .html(ConsolePage.refusals.render(body: form(filter) + Self.counts(rows.counts) + Self.samples(rows.samples),
                                                 queryMilliseconds: milliseconds))
    }

    private func form(_ filter: Filter) -> String {
        var out = "<form method=\"get\" action=\"/console/refusals\"><label>reason <select name=\"reason\"><option value=\"\">any</option>"
        for reason in RejectReason.allCases.map(\.rawValue).sorted() {
            out += "<option\(reason == filter.reason ? " selected" : "")>\(HTMLText.escape(reason))</option>"
        }
        out += "</select></label><label>source key <input name=\"source_key\" value=\"\(HTMLText.escape(filter.sourceKey ?? ""))\"></label>"
        out += "<label>since <select name=\"since\">"
        for period in Filter.Period.allCases {
            out += "<option\(period == filter.period ? " selected" : "")>\(period.rawValue)</option>"
        }
        return out + "</select></label> <button>Show</button></form>"
    }

    static func counts(_ rows: PostgresRows) -> String {
        let refused = StackedColumns(rows)
        let totals = refused.totals
        var out = "<section><h2>Refused, by reason over time (UTC)</h2>" + refused.chart(unit: "refused")
        out += "<table><tr><th>reason</th><th class=\"n\">refused</th></tr>"
        for reason in refused.series.sorted(by: { totals[$0]! > totals[$1]! }) {
            out += "<tr><td>\(HTMLText.escape(reason))</td><td class=\"n\" data-k=\"refused:\(HTMLText.escape(reason))\">\(StatusReport.count(totals[reason]!))</td></tr>"
        }
        return out + "</table></section>"
    }

    static func samples(_ rows: PostgresRows) -> String {
        guard !rows.isEmpty else { return "<section><h2>Latest refused events</h2><p class=\"muted\">None.</p></section>" }
        var out = "<section><h2>Latest refused events</h2><table><tr><th>received (UTC)</th><th>transport</th><th>source key</th>"
            + "<th>reason</th><th>detail</th><th class=\"n\">bytes</th><th>refused bytes (escaped, first \(rawShown))</th></tr>"
        for row in rows {
            let raw = HTMLText.readable(bytes(hex: row["raw"] ?? ""), limit: rawShown)
            out += "<tr><td>\(HTMLText.escape(row[0] ?? ""))</td><td>\(HTMLText.escape(row[1] ?? ""))</td>"
                + "<td>\(HTMLText.escape(row[2] ?? "—"))</td><td>\(HTMLText.escape(row[3] ?? ""))</td>"
                + "<td>\(HTMLText.escape(row[4] ?? ""))</td><td class=\"n\">\(HTMLText.escape(row[5] ?? ""))</td>"
                + "<td class=\"raw\">\(HTMLText.escape(raw))</td></tr>"
        }
        return out + "</table></section>"
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for character in hex.utf8 {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            default: continue
            }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}

import EventdPostgres

/// `/console/dashboards`: the seed card's dashboards, from rollups only (`DashboardQueries`). Every
/// number is in a `data-k` cell, so a test can read the page and compare it with the SQL.
struct DashboardsPage: Sendable {
    let readPath: ConsoleReadPath

    func render() async -> ConsoleResponse {
        let start = ContinuousClock.now
        let results: [PostgresRows]
        do {
            results = try await readPath.read { connection in
                try DashboardQueries.all.map { try connection.query($0.sql) }
            }
        } catch {
            return .html(ConsolePage.dashboards.render(body: "<p class=\"bad\">\(HTMLText.escape(error.description))</p>"))
        }
        let milliseconds = (ContinuousClock.now - start).milliseconds
        let body = Self.hourly(results[0]) + Self.topNames(results[1]) + Self.funnel(results[2])
            + Self.onboarding(results[3]) + Self.experiments(results[4]) + Self.whatsapp(results[5])
            + "<p class=\"muted\">From the rollups (analytics.event_aggregations, analytics.metrics), as fresh as the last rollup run.</p>"
        return .html(ConsolePage.dashboards.render(body: body, queryMilliseconds: milliseconds))
    }

    static func hourly(_ rows: PostgresRows) -> String {
        let hourly = StackedColumns(rows)
        return "<section><h2>Events per hour by type, last 48 hours (UTC)</h2>" + hourly.chart(unit: "events/hour")
            + table(["type", "events"], hourly.series.map { [$0, number(hourly.totals[$0]!, key: "hourly:\($0)")] }) + "</section>"
    }

    static func topNames(_ rows: PostgresRows) -> String {
        let bars = rows.map { (label: $0[0] ?? "", value: Double($0[1] ?? "0") ?? 0) }
        return "<section><h2>Top event names, last 7 days</h2>" + SVGChart.bars(bars)
            + table(["name", "events"], bars.map { [$0.label, number($0.value, key: "top:\($0.label)")] }) + "</section>"
    }

    static func funnel(_ rows: PostgresRows) -> String {
        let bars = rows.map { (label: $0[0] ?? "", value: Double($0[1] ?? "0") ?? 0) }
        return "<section><h2>Lead funnel: leads created in the last 30 days, by status</h2>" + SVGChart.bars(bars)
            + table(["status", "leads"], bars.map { [$0.label, number($0.value, key: "leads:\($0.label)")] }) + "</section>"
    }

    static func onboarding(_ rows: PostgresRows) -> String {
        var abandoned: [(label: String, value: Double)] = []
        var lines: [[String]] = []
        for row in rows {
            let step = row[0] ?? "", status = row[1] ?? "", sessions = Double(row[2] ?? "0") ?? 0
            if status == "abandoned" { abandoned.append((step, sessions)) }
            lines.append([step, status, number(sessions, key: "onboarding:\(step):\(status)"), HTMLText.escape(row[3] ?? "—") + " %"])
        }
        return "<section><h2>Onboarding drop-off, sessions started in the last 7 days</h2><p>Abandoned, by the step they stopped at:</p>"
            + SVGChart.bars(abandoned) + table(["step", "status", "sessions", "avg progress"], lines, escaping: [true, true, false, false])
            + "</section>"
    }

    static func experiments(_ rows: PostgresRows) -> String {
        let lines = rows.map { row -> [String] in
            let name = "\(row[0] ?? ""):\(row[1] ?? "")"
            let exposed = Double(row[3] ?? "0") ?? 0, converted = Double(row[4] ?? "0") ?? 0
            let rate = exposed > 0 ? "\(Double(Int(1000 * converted / exposed)) / 10) %" : "—"
            return [HTMLText.escape(row[0] ?? ""), HTMLText.escape(row[1] ?? ""), number(Double(row[2] ?? "0") ?? 0, key: "assigned:\(name)"),
                    number(exposed, key: "exposed:\(name)"), number(converted, key: "converted:\(name)"), rate]
        }
        return "<section><h2>Experiments, last 30 days</h2>"
            + table(["experiment", "variant", "assigned", "exposed", "converted", "conversion (of exposed)"], lines,
                    escaping: [false, false, false, false, false, false]) + "</section>"
    }

    static func whatsapp(_ rows: PostgresRows) -> String {
        let bars = rows.map { (label: $0[0] ?? "", value: Double($0[1] ?? "0") ?? 0) }
        let total = bars.map(\.value).reduce(0, +)
        let active = bars.first { $0.label == "active" }?.value ?? 0
        let rate = total > 0 ? "\(Double(Int(1000 * active / total)) / 10) %" : "—"
        return "<section><h2>WhatsApp activation</h2><p>Active accounts: <strong data-k=\"whatsapp:activation\">\(rate)</strong> of "
            + "\(StatusReport.count(total))</p>" + SVGChart.bars(bars)
            + table(["status", "accounts"], bars.map { [$0.label, number($0.value, key: "whatsapp:\($0.label)")] }) + "</section>"
    }

    /// A number cell's content: the value inside a `data-k` span for tests.
    static func number(_ value: Double, key: String) -> String {
        "<span data-k=\"\(HTMLText.escape(key))\">\(StatusReport.count(value))</span>"
    }

    /// A table; cells are escaped unless `escaping` says they are markup already (the number spans).
    static func table(_ header: [String], _ rows: [[String]], escaping: [Bool]? = nil) -> String {
        let escape = escaping ?? header.indices.map { $0 == 0 }
        var out = "<table><tr>" + header.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>"
        for row in rows {
            out += "<tr>" + row.enumerated().map { index, cell in
                "<td>\(escape[index] ? HTMLText.escape(cell) : cell)</td>"
            }.joined() + "</tr>"
        }
        return out + "</table>"
    }
}

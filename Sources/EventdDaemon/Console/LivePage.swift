import EventdPostgres

/// `/console/live`: is data flowing, how full are the queues, how far behind is the database. Rates come
/// from `ConsoleHistory` (the daemon's own counters); the rollup watermark and the read server from the
/// read path. Refreshes itself every 5 s without script.
struct LivePage: Sendable {
    let history: ConsoleHistory
    let readPath: ConsoleReadPath
    let ring: RingConfig

    struct DatabaseView: Sendable {
        var server: String
        var standby: Bool
        var watermarkAgeSeconds: Double?
        var watermark: String?
    }

    static let databaseSQL = """
        SELECT pg_is_in_recovery() AS standby,
               extract(epoch FROM now() - max(watermark))::float8 AS watermark_age,
               max(watermark)::text AS watermark
        FROM eventd.rollup_state
        """

    func render() async -> ConsoleResponse {
        let samples = history.all
        let start = ContinuousClock.now
        let database: Result<DatabaseView, ConsoleReadPath.Failure>
        do {
            database = .success(try await readPath.read { connection in
                let row = try connection.query(Self.databaseSQL)[0]
                return DatabaseView(server: "\(connection.host ?? "?"):\(connection.port ?? "?")",
                                    standby: try row.bool("standby") ?? false,
                                    watermarkAgeSeconds: try row.double(1), watermark: row["watermark"])
            })
        } catch {
            database = .failure(error)
        }
        let sqlMilliseconds = (ContinuousClock.now - start).milliseconds
        guard let now = samples.last else {
            return .html(ConsolePage.live.render(body: "<p class=\"muted\">The first sample is taken within 5 s.</p>", refreshSeconds: 5))
        }
        var body = Self.flow(samples)
        body += "<section><h2>Now</h2><table>"
        body += Self.row("PostgreSQL (ingest)", now.postgresConnected
            ? "<span class=\"ok\">connected</span> to \(HTMLText.escape(now.postgresServer ?? "?"))"
            : "<span class=\"bad\">not connected</span>", key: "postgres")
        switch database {
        case .success(let view):
            body += Self.row("PostgreSQL (console reads)", "<span class=\"ok\">reachable</span> at \(HTMLText.escape(view.server))"
                             + (view.standby ? " (standby)" : " (primary)"), key: "read")
            body += Self.row("rollup watermark age", view.watermarkAgeSeconds.map { HTMLText.escape(StatusReport.duration($0)) } ?? "no rollup has run",
                             key: "watermark_age")
        case .failure(let failure):
            body += Self.row("PostgreSQL (console reads)", "<span class=\"bad\">\(HTMLText.escape(failure.description))</span>", key: "read")
            body += Self.row("rollup watermark age", "<span class=\"muted\">unknown (no read connection)</span>", key: "watermark_age")
        }
        body += Self.row("readiness", HTMLText.escape(now.readiness), key: "readiness")
        let ringPercent = 100 * max(now.ringBatches / Double(ring.capacity), now.ringBytes / Double(ring.maxBytes))
        body += Self.row("ring fill", "\(Self.decimal(ringPercent)) % — \(Int(now.ringBatches)) of \(ring.capacity) batches, "
                         + "\(HTMLText.escape(StatusReport.bytes(now.ringBytes))) of \(HTMLText.escape(StatusReport.bytes(Double(ring.maxBytes))))", key: "ring")
        body += Self.row("COPY streams", HTMLText.escape(StatusReport.copyStreams(now)), key: "copy_streams")
        let pending = max(0, now.accepted - now.committed - now.duplicates - now.refusedByDatabase)
        body += Self.row("loader lag (received → committed)", Self.lag(samples).map { "≈ " + HTMLText.escape($0) } ?? "more than 15 min", key: "lag")
        body += Self.row("accepted, not yet committed", StatusReport.count(pending), key: "pending")
        body += Self.row("spool", "\(HTMLText.escape(StatusReport.bytes(now.spoolBytes))) in \(Int(now.spoolRecords)) record(s)"
                         + (now.spoolRecords > 0 ? ", oldest \(HTMLText.escape(StatusReport.duration(now.spoolOldestAgeSeconds)))" : ""),
                         key: "spool")
        let open = now.connections.sorted { $0.key < $1.key }.map { "\(HTMLText.escape($0.key)) \(Int($0.value))" }
        body += Self.row("open connections", open.isEmpty ? "none" : open.joined(separator: ", "), key: "connections")
        body += "</table></section>"
        body += Self.refusals(samples)
        return .html(ConsolePage.live.render(body: body, refreshSeconds: 5, queryMilliseconds: sqlMilliseconds))
    }

    /// Events per second over the window, by transport, and committed rows per second.
    static func flow(_ samples: [StatusSnapshot]) -> String {
        let pairs = zip(samples, samples.dropFirst()).filter { $1.takenAt > $0.takenAt && $1.startedAt == $0.startedAt }
        func rate(_ value: (StatusSnapshot) -> Double) -> [Double] {
            pairs.map { max(0, value($1) - value($0)) / ($1.takenAt - $0.takenAt) }
        }
        var series: [(name: String, values: [Double])] = ["http", "tcp", "udp"].map { transport in
            ("received over \(transport)", rate { $0.receivedByTransport[transport] ?? 0 })
        }
        series.append(("committed", rate(\.committed)))
        let latest = series.map { $0.values.last ?? 0 }
        var out = "<section><h2>Events per second, last 15 minutes</h2>" + SVGChart.lines(series, unit: "events/s")
        out += "<table><tr>" + series.map { "<th class=\"n\">\(HTMLText.escape($0.name))</th>" }.joined() + "</tr><tr>"
        out += zip(series, latest).map { "<td class=\"n\" data-k=\"rate:\(HTMLText.escape($0.name))\">\(decimal($1))</td>" }.joined()
        out += "</tr></table><p class=\"muted\">Per transport as counted at the listeners; per protocol below.</p></section>"
        return out + byProtocol(pairs)
    }

    /// Events per second over the window by `transport/protocol` (accepted and refused by eventd),
    /// for the protocols that brought any.
    static func byProtocol(_ pairs: [(StatusSnapshot, StatusSnapshot)]) -> String {
        let labels = Set(pairs.flatMap { $1.receivedByProtocol.filter { $0.value > 0 }.keys }).sorted()
        var out = "<section><h2>Events per second by protocol</h2>"
        guard !labels.isEmpty else { return out + "<p class=\"muted\">No events yet.</p></section>" }
        let series: [(name: String, values: [Double])] = labels.map { label in
            (label, pairs.map { max(0, ($1.receivedByProtocol[label] ?? 0) - ($0.receivedByProtocol[label] ?? 0)) / ($1.takenAt - $0.takenAt) })
        }
        out += SVGChart.lines(series, unit: "events/s")
        out += "<table><tr><th>transport/protocol</th><th class=\"n\">events/s</th><th class=\"n\">accepted since start</th>"
            + "<th class=\"n\">refused since start</th></tr>"
        let now = pairs.last?.1
        for (label, values) in series {
            out += "<tr><td>\(HTMLText.escape(label))</td>"
                + "<td class=\"n\" data-k=\"protocol-rate:\(HTMLText.escape(label))\">\(decimal(values.last ?? 0))</td>"
                + "<td class=\"n\" data-k=\"protocol-accepted:\(HTMLText.escape(label))\">\(StatusReport.count(now?.acceptedByProtocol[label] ?? 0))</td>"
                + "<td class=\"n\" data-k=\"protocol-refused:\(HTMLText.escape(label))\">\(StatusReport.count(now?.refusedByProtocol[label] ?? 0))</td></tr>"
        }
        return out + "</table></section>"
    }

    /// Refusals by reason in the last minute and since start.
    static func refusals(_ samples: [StatusSnapshot]) -> String {
        guard let now = samples.last else { return "" }
        let minuteAgo = samples.last { now.takenAt - $0.takenAt >= 60 && $0.startedAt == now.startedAt } ?? samples.first!
        let rows = now.rejected.filter { $0.value > 0 }.sorted { $0.value > $1.value }
        guard !rows.isEmpty else { return "<section><h2>Refusals</h2><p class=\"muted\">None since start.</p></section>" }
        var out = "<section><h2>Refusals</h2><table><tr><th>reason</th><th class=\"n\">last minute</th><th class=\"n\">since start</th></tr>"
        for (reason, total) in rows {
            let recent = max(0, total - (minuteAgo.rejected[reason] ?? 0))
            out += "<tr><td><a href=\"/console/refusals?reason=\(HTMLText.escape(reason))\">\(HTMLText.escape(reason))</a></td>"
                + "<td class=\"n\">\(StatusReport.count(recent))</td><td class=\"n\">\(StatusReport.count(total))</td></tr>"
        }
        return out + "</table></section>"
    }

    /// How long ago the oldest event not yet settled (committed, duplicate or refused by PostgreSQL) was
    /// accepted, to the sampling interval; "0 s" when everything is settled, nil when older than the window.
    static func lag(_ samples: [StatusSnapshot]) -> String? {
        guard let now = samples.last else { return nil }
        let settled = now.committed + now.duplicates + now.refusedByDatabase
        let current = samples.filter { $0.startedAt == now.startedAt }
        guard let firstUnsettled = current.firstIndex(where: { $0.accepted > settled }) else { return "0 s" }
        guard firstUnsettled > 0 else { return nil }
        return StatusReport.duration(now.takenAt - current[firstUnsettled - 1].takenAt)
    }

    static func row(_ label: String, _ value: String, key: String) -> String {
        "<tr><th>\(HTMLText.escape(label))</th><td data-k=\"\(key)\">\(value)</td></tr>"
    }

    static func decimal(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
}

import EventdPostgres

/// Rows of (column label, series, value), as a stacked-column chart takes them: columns in the order the
/// rows give them, series in order of first appearance, zero where a column lacks a series, and each
/// series' total for the table beside the chart.
struct StackedColumns {
    var columns: [(label: String, values: [Double])]
    var series: [String]
    var totals: [String: Double]

    init(_ rows: PostgresRows) {
        var labels: [String] = [], series: [String] = []
        var values: [String: [String: Double]] = [:]
        var totals: [String: Double] = [:]
        for row in rows {
            let label = row[0] ?? "", name = row[1] ?? "", value = Double(row[2] ?? "0") ?? 0
            if values[label] == nil { labels.append(label) }
            if totals[name] == nil { series.append(name) }
            values[label, default: [:]][name] = value
            totals[name, default: 0] += value
        }
        columns = labels.map { label in (label: label, values: series.map { values[label]?[$0] ?? 0 }) }
        self.series = series
        self.totals = totals
    }

    func chart(unit: String) -> String { SVGChart.stackedColumns(columns, series: series, unit: unit) }
}

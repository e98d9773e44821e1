/// Inline SVG charts for the console: no script, no external file, colours from the stylesheet's
/// `.s0`…`.s7` classes (so the page's CSP needs no inline style). Every label is escaped here.
enum SVGChart {
    static let width = 720.0
    static let height = 180.0
    static let palette = 8

    /// One line per series over evenly spaced points (oldest first), with a legend.
    static func lines(_ series: [(name: String, values: [Double])], unit: String) -> String {
        let count = series.map(\.values.count).max() ?? 0
        guard count > 1 else { return "<p class=\"muted\">Collecting samples…</p>" }
        let top = niceCeiling(series.flatMap(\.values).max() ?? 0)
        var out = open(label: "line chart, \(unit)") + axis(top: top, unit: unit)
        for (index, line) in series.enumerated() {
            let points = line.values.enumerated().map { offset, value in
                "\(format(x(offset, of: count))),\(format(y(value, top: top)))"
            }.joined(separator: " ")
            out += "<polyline class=\"line s\(index % palette)\" points=\"\(points)\"><title>\(HTMLText.escape(line.name))</title></polyline>"
        }
        return out + "</svg>" + legend(series.map(\.name))
    }

    /// Columns of stacked values (one colour per series), e.g. events per hour by type.
    static func stackedColumns(_ columns: [(label: String, values: [Double])], series: [String], unit: String) -> String {
        guard !columns.isEmpty else { return "<p class=\"muted\">No data in this period.</p>" }
        let top = niceCeiling(columns.map { $0.values.reduce(0, +) }.max() ?? 0)
        let slot = (width - 50) / Double(columns.count)
        var out = open(label: "stacked columns, \(unit)") + axis(top: top, unit: unit)
        for (index, column) in columns.enumerated() {
            var base = 0.0
            for (seriesIndex, value) in column.values.enumerated() where value > 0 {
                let y0 = y(base + value, top: top), y1 = y(base, top: top)
                out += "<rect class=\"s\(seriesIndex % palette)\" x=\"\(format(50 + Double(index) * slot + 1))\" y=\"\(format(y0))\" "
                    + "width=\"\(format(max(1, slot - 2)))\" height=\"\(format(max(0.5, y1 - y0)))\">"
                    + "<title>\(HTMLText.escape(column.label)) \(HTMLText.escape(series[seriesIndex])): \(number(value))</title></rect>"
                base += value
            }
        }
        return out + "</svg>" + legend(series)
    }

    /// Horizontal bars, largest first as given, with their values written next to them.
    static func bars(_ rows: [(label: String, value: Double)]) -> String {
        guard !rows.isEmpty else { return "<p class=\"muted\">No data in this period.</p>" }
        let top = rows.map(\.value).max() ?? 0
        let rowHeight = 22.0
        let chartHeight = rowHeight * Double(rows.count)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(format(width)) \(format(chartHeight))\" role=\"img\" aria-label=\"bar chart\">"
        for (index, row) in rows.enumerated() {
            let barWidth = top > 0 ? (width - 260) * row.value / top : 0
            let y0 = Double(index) * rowHeight
            out += "<text class=\"label\" x=\"0\" y=\"\(format(y0 + 15))\">\(HTMLText.escape(String(row.label.prefix(28))))</text>"
                + "<rect class=\"s\(index % palette)\" x=\"190\" y=\"\(format(y0 + 3))\" width=\"\(format(max(1, barWidth)))\" height=\"16\"/>"
                + "<text class=\"label\" x=\"\(format(196 + barWidth))\" y=\"\(format(y0 + 15))\">\(number(row.value))</text>"
        }
        return out + "</svg>"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? StatusReport.count(value) : String(format2(value))
    }

    private static func open(label: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(format(width)) \(format(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\">"
    }

    private static func axis(top: Double, unit: String) -> String {
        "<line class=\"axis\" x1=\"50\" y1=\"\(format(height - 20))\" x2=\"\(format(width))\" y2=\"\(format(height - 20))\"/>"
            + "<text class=\"label\" x=\"0\" y=\"12\">\(number(top))</text>"
            + "<text class=\"label\" x=\"0\" y=\"\(format(height - 22))\">0</text>"
            + "<text class=\"label\" x=\"0\" y=\"\(format(height - 4))\">\(HTMLText.escape(unit))</text>"
    }

    private static func legend(_ names: [String]) -> String {
        "<p class=\"legend\">" + names.enumerated().map { index, name in
            "<span class=\"key k\(index % palette)\">\(HTMLText.escape(name))</span>"
        }.joined(separator: " ") + "</p>"
    }

    private static func x(_ index: Int, of count: Int) -> Double { 50 + (width - 50) * Double(index) / Double(count - 1) }
    private static func y(_ value: Double, top: Double) -> Double { (height - 20) - (height - 30) * (top > 0 ? value / top : 0) }

    /// 1, 2 or 5 times a power of ten, at least `value`, so the axis reads well.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        var power = 1.0
        while power * 10 <= value { power *= 10 }
        while power > value { power /= 10 }
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    private static func format(_ value: Double) -> String { String(Double(Int(value * 10)) / 10) }
    private static func format2(_ value: Double) -> Double { Double(Int(value * 100)) / 100 }
}

/// The samples of a Prometheus text exposition (what eventd's `/metrics` serves), for `eventd status`.
/// Only what eventd itself writes is needed: `name{label="value",…} number` lines and `#` comments.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public let samples: [Sample]

    public init(_ text: String) {
        samples = text.split(separator: "\n").compactMap(Self.sample(from:))
    }

    /// The sum of `name`'s samples whose labels include `matching` (all of them when empty).
    public func value(_ name: String, _ matching: [String: String] = [:]) -> Double {
        samples.lazy.filter { sample in
            sample.name == name && matching.allSatisfy { key, value in sample.labels[key] == value }
        }.reduce(0) { $0 + $1.value }
    }

    /// `name`'s samples by the value of `label` (summed when other labels differ).
    public func values(_ name: String, by label: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for sample in samples where sample.name == name {
            if let key = sample.labels[label] { out[key, default: 0] += sample.value }
        }
        return out
    }

    /// The label sets of `name`'s samples whose value is `value`.
    public func labels(_ name: String, whereValue value: Double) -> [[String: String]] {
        samples.filter { $0.name == name && $0.value == value }.map(\.labels)
    }

    static func sample(from line: Substring) -> Sample? {
        let line = line.trimmingPrefix(" ")
        guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
        var labels: [String: String] = [:]
        let name: Substring
        let rest: Substring
        if let open = line.firstIndex(of: "{"), let close = line[open...].lastIndex(of: "}") {
            name = line[..<open]
            labels = parseLabels(line[line.index(after: open)..<close])
            rest = line[line.index(after: close)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        guard let valueText = rest.split(separator: " ").first, let value = Double(valueText) ?? Self.special(valueText) else {
            return nil
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func special(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }

    /// `a="x",b="y\"z"`: values are quoted; `\"`, `\\` and `\n` are escapes.
    private static func parseLabels(_ text: Substring) -> [String: String] {
        var labels: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let equals = text[index...].firstIndex(of: "=") else { break }
            let key = text[index..<equals].trimmingPrefix(",").trimmingPrefix(" ")
            var cursor = text.index(after: equals)
            guard cursor < text.endIndex, text[cursor] == "\"" else { break }
            cursor = text.index(after: cursor)
            var value = ""
            while cursor < text.endIndex, text[cursor] != "\"" {
                if text[cursor] == "\\", text.index(after: cursor) < text.endIndex {
                    cursor = text.index(after: cursor)
                    value.append(text[cursor] == "n" ? "\n" : text[cursor])
                } else {
                    value.append(text[cursor])
                }
                cursor = text.index(after: cursor)
            }
            labels[String(key)] = value
            index = cursor < text.endIndex ? text.index(after: cursor) : cursor
        }
        return labels
    }
}

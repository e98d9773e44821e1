extension EventdConfig {
    /// This config as a TOML document with every key that has a value, section by section. Loading the
    /// result gives back an equal config; `eventd config show` style output. It includes secrets
    /// (`database.url`, write keys): do not log it.
    public func renderTOML() -> String {
        var lines: [String] = []
        var currentSection: String?
        for spec in ConfigSchema.keys {
            guard let value = spec.render(self) else { continue }
            let parts = spec.path.split(separator: ".")
            let section = parts.dropLast().joined(separator: ".")
            if section != currentSection {
                if !lines.isEmpty { lines.append("") }
                lines.append("[\(section)]")
                currentSection = section
            }
            lines.append("\(parts.last!) = \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

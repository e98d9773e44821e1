/// The written form of byte sizes in eventd's config: a plain integer of bytes, or a string with a unit.
///
/// Units: `B`, decimal `KB`/`MB`/`GB` (powers of 1000) and binary `KiB`/`MiB`/`GiB` (powers of 1024), case
/// insensitive, with or without a space: `512000`, `"512KB"`, `"64MiB"`, `"1 MB"`.
public enum ByteSize {
    /// Parses the written form; nil if it is not valid (use the config loader for a reason).
    public static func parse(_ text: String) -> Int? {
        try? parseResult(text).get()
    }

    /// The written form of `bytes`: the largest binary unit that divides it exactly (`64MiB`), else plain bytes.
    public static func format(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }

    /// The sentence used in errors to say what a byte size looks like.
    static let expected = "a byte size: an integer of bytes or a string such as \"512KB\", \"64MiB\""

    private static let units: [String: Int] = [
        "b": 1, "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
    ]

    static func parseResult(_ rawText: String) -> Result<Int, ConfigValueFailure> {
        let text = rawText.configTrimmed()
        if text.hasPrefix("-") { return .failure(.init("'\(text)' is negative; sizes must be 0 or more")) }
        let digits = text.prefix(while: \.isConfigDigit)
        let unit = text.dropFirst(digits.count).configTrimmed().lowercased()
        guard !digits.isEmpty, let number = Int(digits) else {
            return .failure(.init("'\(text)' is not \(expected) (whole numbers only)"))
        }
        if unit.hasPrefix(".") {
            return .failure(.init("'\(text)' is not a whole number; use a smaller unit, e.g. \"1500KB\" for 1.5MB"))
        }
        guard let size = unit.isEmpty ? 1 : units[unit] else {
            return .failure(.init("'\(text)' has an unknown unit; use B, KB, MB, GB, KiB, MiB or GiB"))
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: size)
        if overflow { return .failure(.init("'\(text)' is too large")) }
        return .success(bytes)
    }
}

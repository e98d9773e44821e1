/// Writing TOML: a string as a basic string literal, which the reader reads back to the same text.
public enum TOMLString {
    /// `text` between double quotes, with `"` and `\` escaped, the usual short escapes for newline, tab
    /// and carriage return, and every other control character as `\uXXXX`.
    public static func basic(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

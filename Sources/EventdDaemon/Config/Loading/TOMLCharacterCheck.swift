/// Refuses non-ASCII characters outside strings and comments before the text reaches toml++.
///
/// TOML allows non-ASCII only inside strings and comments; toml++ (inside TOMLKit) assumes as much in
/// places and, given e.g. `[\u{FFFD}n]`, trips an internal assertion instead of reporting an error —
/// found by the FuzzConfig target (Tests/Fuzz/Corpus/FuzzConfig/regression_non_ascii_table_header.toml).
/// A small lexer that only tracks strings and comments is enough to keep such input away from it.
enum TOMLCharacterCheck {
    /// The 1-based line and column of the first non-ASCII character outside a string or comment.
    static func firstStrayNonASCII(in text: String) -> (line: Int, column: Int)? {
        let bytes = Array(text.utf8)
        var line = 1
        var column = 1
        var index = 0
        // The closing delimiter of the string we are in (`"`, `'`, `"""`, `'''`), or nil.
        var closing: [UInt8]? = nil
        var inComment = false
        func starts(with token: [UInt8], at position: Int) -> Bool {
            position + token.count <= bytes.count && Array(bytes[position..<position + token.count]) == token
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
                index += 1
                inComment = false
                // Single-line strings end at a newline (toml++ reports that error itself).
                if let open = closing, open.count == 1 { closing = nil }
                continue
            }
            if inComment {
                // Comments may hold anything up to the end of the line.
            } else if let open = closing {
                if open == [0x22] || open == [0x22, 0x22, 0x22], byte == 0x5C {  // escape in a basic string
                    index += 2
                    column += 2
                    continue
                }
                if starts(with: open, at: index) {
                    closing = nil
                    index += open.count
                    column += open.count
                    continue
                }
            } else if byte == 0x23 {
                inComment = true
            } else if byte == 0x22 || byte == 0x27 {
                let triple = [byte, byte, byte]
                closing = starts(with: triple, at: index) ? triple : [byte]
                index += closing!.count
                column += closing!.count
                continue
            } else if byte >= 0x80 {
                return (line, column)
            }
            index += 1
            // Columns count characters: UTF-8 continuation bytes do not start one.
            if byte & 0xC0 != 0x80 { column += 1 }
        }
        return nil
    }
}

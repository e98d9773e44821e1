/// Refuses non-ASCII and control characters outside strings and comments before the text reaches toml++.
///
/// TOML allows non-ASCII only inside strings and comments, and control characters (but tab) nowhere
/// outside them; toml++ (inside TOMLKit) assumes as much in places and, given e.g. `[\u{FFFD}n]` or
/// `[\u{11}limits]`, trips an internal assertion instead of reporting an error — found by the FuzzConfig
/// target (Tests/Fuzz/Corpus/FuzzConfig/regression_*_table_header.toml).
/// A small lexer that only tracks strings and comments is enough to keep such input away from it.
enum TOMLCharacterCheck {
    /// The 1-based line and column of the first non-ASCII or control character outside a string or comment.
    static func firstStrayCharacter(in text: String) -> (line: Int, column: Int)? {
        let bytes = Array(text.utf8)
        var line = 1
        var column = 1
        var index = 0
        // The closing delimiter of the string we are in (`"`, `'`, `"""`, `'''`), or nil.
        var closing: [UInt8]? = nil
        var inComment = false
        // Brackets and braces open outside strings: a `[` at the start of a line at depth 0 opens a table header.
        var depth = 0
        var atLineStart = true
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
                atLineStart = true
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
            } else if byte == 0x5B && atLineStart && depth == 0 {
                // A table header: its name must start with a bare-key character or a quote (toml++ asserts so).
                var next = index + 1
                if next < bytes.count && bytes[next] == 0x5B { next += 1 }
                while next < bytes.count && (bytes[next] == 0x20 || bytes[next] == 0x09) { next += 1 }
                guard next < bytes.count, isKeyStart(bytes[next]) else {
                    return (line, column + (next - index))
                }
                depth += next - index
                column += next - index
                index = next
                atLineStart = false
                continue
            } else if byte == 0x5B || byte == 0x7B {
                depth += 1
            } else if byte == 0x5D || byte == 0x7D {
                depth = max(0, depth - 1)
            } else if byte == 0x22 || byte == 0x27 {
                let triple = [byte, byte, byte]
                closing = starts(with: triple, at: index) ? triple : [byte]
                index += closing!.count
                column += closing!.count
                continue
            } else if byte >= 0x80 || byte == 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0D) {
                return (line, column)
            }
            if byte != 0x20 && byte != 0x09 && byte != 0x0D && !inComment { atLineStart = false }
            index += 1
            // Columns count characters: UTF-8 continuation bytes do not start one.
            if byte & 0xC0 != 0x80 { column += 1 }
        }
        return nil
    }

    /// A bare-key character (A-Z a-z 0-9 _ -) or a string delimiter.
    private static func isKeyStart(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x5F, 0x2D, 0x22, 0x27: true
        default: false
        }
    }
}

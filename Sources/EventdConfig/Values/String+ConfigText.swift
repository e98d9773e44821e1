extension Character {
    /// An ASCII digit 0-9 (`isNumber` alone also accepts other scripts' digits and fractions).
    var isConfigDigit: Bool { isASCII && isNumber }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (Foundation-free, for config values).
    func configTrimmed() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}

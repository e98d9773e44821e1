import Testing
@testable import EventdCore

/// `EventUUID.parse` reads eight hex digits per word: it must accept and refuse exactly what a
/// digit-by-digit reading does, for every byte value at every position.
@Suite struct EventUUIDWordParseTests {
    /// Digit by digit: the groups' hex (any case) at fixed places, hyphens between them.
    static func reference(_ b: [UInt8]) -> EventUUID? {
        let digits: [UInt8]
        if b.count == 36 {
            guard b[8] == 0x2D, b[13] == 0x2D, b[18] == 0x2D, b[23] == 0x2D else { return nil }
            digits = b.enumerated().filter { ![8, 13, 18, 23].contains($0.offset) }.map(\.element)
        } else if b.count == 32 {
            digits = b
        } else {
            return nil
        }
        var v: [UInt64] = [0, 0]
        for (i, c) in digits.enumerated() {
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v[i / 16] = v[i / 16] << 4 | UInt64(d)
        }
        return EventUUID(hi: v[0], lo: v[1])
    }

    @Test(arguments: ["3f2504e0-4f89-11d3-9a0c-0305e82c3301", "3F2504E0-4F89-11D3-9A0C-0305E82C3301", "0123456789abcdefABCDEF0123456789"])
    func everyByteAtEveryPlace(_ text: String) {
        let valid = Array(text.utf8)
        #expect(Self.reference(valid) != nil)
        for at in valid.indices {
            for byte in 0...255 {
                var b = valid
                b[at] = UInt8(byte)
                let parsed = b.withUnsafeBufferPointer { EventUUID.parse($0.baseAddress!, count: $0.count) }
                #expect(parsed == Self.reference(b), "\(at) \(byte)")
            }
        }
    }

    @Test func everyDigitValue() {
        let hex = Array("0123456789abcdef".utf8)
        for k in 0..<16 {
            let b = (0..<32).map { hex[($0 + k) % 16] }
            let parsed = b.withUnsafeBufferPointer { EventUUID.parse($0.baseAddress!, count: 32) }
            #expect(parsed == Self.reference(b))
        }
    }
}

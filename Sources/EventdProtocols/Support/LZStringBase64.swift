/// lz-string's `decompressFromBase64`, as posthog-js sends (`compression=lz64`).
///
/// Bounded against bombs: lz-string's dictionary entries are each one previous entry plus one
/// character, so a small input can describe an output quadratic in its size, and a naive decoder
/// that stores every entry as a string also needs quadratic memory. Here every dictionary entry is
/// a range of the output produced so far (an entry is always the previous output segment plus the
/// next character, which is contiguous in the output), so memory is the output plus 8 bytes per
/// entry, and decoding stops at the first code unit past `limit`.
public enum LZStringBase64 {
    public enum Failure: Error, Equatable {
        /// Not lz-string data (bad alphabet, or a code that names no dictionary entry).
        case malformed
        /// The output would pass the limit.
        case tooLarge
    }

    /// The decompressed text as UTF-8 bytes.
    public static func decompress(_ input: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        var values: [UInt8] = []
        values.reserveCapacity(input.count)
        for byte in input {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), 0x20: values.append(62)  // a `+` that nobody percent-encoded arrives as a space
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): values.append(64)  // in lz-string's alphabet: index 64, as its decoder reads it
            case 0x0A, 0x0D: continue
            default: return .failure(.malformed)
            }
        }
        var reader = BitReader(values: values)
        var output: [UInt16] = []
        switch decode(&reader, into: &output, limit: limit) {
        case .failure(let failure): return .failure(failure)
        case .success:
            let bytes = Array(String(decoding: output, as: UTF16.self).utf8)
            return bytes.count > limit ? .failure(.tooLarge) : .success(bytes)
        }
    }

    private enum Entry {
        case literal(UInt16)
        case range(start: Int, count: Int)
    }

    private struct BitReader {
        let values: [UInt8]
        var value: Int
        var position = 32
        var index = 1

        init(values: [UInt8]) {
            self.values = values
            value = values.first.map(Int.init) ?? 0
        }

        var exhausted: Bool { index > values.count }

        mutating func read(_ bits: Int) -> Int {
            var result = 0
            var power = 1
            for _ in 0..<bits {
                let bit = value & position
                position >>= 1
                if position == 0 {
                    position = 32
                    value = index < values.count ? Int(values[index]) : 0
                    index += 1
                }
                if bit != 0 { result |= power }
                power <<= 1
            }
            return result
        }
    }

    private static func decode(_ reader: inout BitReader, into output: inout [UInt16], limit: Int) -> Result<Void, Failure> {
        guard !reader.values.isEmpty else { return .failure(.malformed) }
        var dictionary: [Entry] = [.literal(0), .literal(1), .literal(2)]
        var enlargeIn = 4
        var numBits = 3
        func emit(_ entry: Entry) -> Result<(start: Int, count: Int), Failure> {
            let start = output.count
            switch entry {
            case .literal(let unit):
                guard output.count < limit else { return .failure(.tooLarge) }
                output.append(unit)
            case .range(let from, let count):
                guard output.count + count <= limit else { return .failure(.tooLarge) }
                for i in 0..<count { output.append(output[from + i]) }
            }
            return .success((start, output.count - start))
        }
        let first: UInt16
        switch reader.read(2) {
        case 0: first = UInt16(reader.read(8))
        case 1: first = UInt16(reader.read(16))
        default: return .success(())
        }
        dictionary.append(.literal(first))
        guard case .success(var w) = emit(.literal(first)) else { return .failure(.tooLarge) }
        while true {
            if reader.exhausted { return .failure(.malformed) }
            var code = reader.read(numBits)
            switch code {
            case 0, 1:
                let unit = UInt16(reader.read(code == 0 ? 8 : 16))
                dictionary.append(.literal(unit))
                code = dictionary.count - 1
                enlargeIn -= 1
            case 2:
                return .success(())
            default: break
            }
            if enlargeIn == 0 {
                enlargeIn = 1 << numBits
                numBits += 1
            }
            let written: (start: Int, count: Int)
            if code < dictionary.count {
                switch emit(dictionary[code]) {
                case .success(let range): written = range
                case .failure(let failure): return .failure(failure)
                }
            } else if code == dictionary.count {
                // w + w[0]: the previous segment again, then its first character.
                guard output.count + w.count + 1 <= limit else { return .failure(.tooLarge) }
                let start = output.count
                for i in 0..<w.count { output.append(output[w.start + i]) }
                output.append(output[w.start])
                written = (start, w.count + 1)
            } else {
                return .failure(.malformed)
            }
            // w + entry[0] is contiguous in the output: w, then the first unit of what was just written.
            dictionary.append(.range(start: w.start, count: w.count + 1))
            enlargeIn -= 1
            w = written
            if enlargeIn == 0 {
                enlargeIn = 1 << numBits
                numBits += 1
            }
        }
    }
}

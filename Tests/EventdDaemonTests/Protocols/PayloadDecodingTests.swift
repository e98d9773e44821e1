@testable import EventdDaemon
import Testing

/// The adapters' own decoders as values: lz-string, the JSON tree, and the payload sniffing, on
/// known vectors and on arbitrary bytes (bounded loops with a fixed seed: never a crash, never more
/// output than the cap).
struct PayloadDecodingTests {
    @Test func lzStringKnownVectorsDecode() throws {
        // lz-string 1.4's compressToBase64 outputs (the same as Tests/.../lzstring.py writes).
        #expect(try LZStringBase64.decompress(Array("BYUwNmD2Q===".utf8), limit: 100).get() == Array("hello".utf8))
        #expect(try LZStringBase64.decompress(Array("IY1/kA==".utf8), limit: 100).get() == Array(String(repeating: "a", count: 20).utf8))
        #expect(try LZStringBase64.decompress(Array("N4IgpgbmB2AuIC4QEvDAZCAvkA==".utf8), limit: 100).get()
                == Array(#"{"event":"é☃"}"#.utf8), "UTF-16 code units beyond Latin-1 come back as UTF-8")
    }

    @Test func lzStringRefusesPastTheCapAndRejectsGarbage() {
        #expect(LZStringBase64.decompress(Array("IY1/kA==".utf8), limit: 10) == .failure(.tooLarge))
        #expect(LZStringBase64.decompress(Array("not lz!".utf8), limit: 100) == .failure(.malformed))
        #expect(LZStringBase64.decompress([], limit: 100) == .failure(.malformed))
    }

    @Test func arbitraryBytesNeverCrashAnyDecoder() {
        var rng = SeededRandom(seed: 16)  // Spool/SpoolCrashModel.swift
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/={}[]\",:1 ".utf8)
        for round in 0..<3_000 {
            let count = Int(rng.next() % 200)
            let bytes = (0..<count).map { _ in round % 2 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: rng.next()) }
            if case .success(let out) = LZStringBase64.decompress(bytes, limit: 4_096) { #expect(out.count <= 4_096) }
            if let tree = JSONValue.parse(bytes) { #expect(JSONValue.parse(tree.bytes) == tree, "a parsed tree round-trips") }
            if case .success(let out) = PayloadEncoding.sniff(bytes, limit: 4_096) { #expect(out.count <= 4_096) }
        }
    }

    @Test func jsonTreeKeepsNumbersAsWrittenAndRefusesDeepNesting() throws {
        let text = #"{"a":12.50,"big":123456789012345678901234567890,"s":"\u00e9\ud83d\ude00","n":null,"l":[true,false]}"#
        let tree = try #require(JSONValue.parse(Array(text.utf8)))
        #expect(tree["a"] == .number("12.50") && tree["big"] == .number("123456789012345678901234567890"))
        #expect(tree["s"] == .string("é😀"))
        #expect(JSONValue.parse(Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)) == nil)
        #expect(JSONValue.parse(Array("[1,]".utf8)) == nil && JSONValue.parse(Array("01".utf8)) == nil)
    }
}

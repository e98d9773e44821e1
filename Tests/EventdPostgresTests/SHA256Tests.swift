import EventdMigrations
import EventdPostgres
import Testing
@testable import EventdTesting

/// Migration checksums are SHA-256 computed in Swift; checked against FIPS 180-4 vectors and the server.
@Suite("SHA-256 checksums")
struct SHA256Tests {
    private func sha256(_ bytes: [UInt8]) -> String {
        Migration(version: 1, name: "vector", bytes: bytes).checksum
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func matchesFIPSVectors(input: String, expected: String) {
        #expect(sha256(Array(input.utf8)) == expected)
    }

    @Test func matchesTheMillionAVector() {
        #expect(sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func agreesWithTheServerAcrossBlockBoundaries() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000] {
                let text = String((0..<length).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) }) + "é"
                let server = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [text]).first?[0]
                #expect(sha256(Array(text.utf8)) == server, "length \(length)")
            }
        }
    }
}

import EventdTOML
import Testing

/// Every value the reader yields carries where it starts (line:column, columns in characters), and every
/// refusal says where it is.
@Suite struct TOMLReaderPositionTests {
    private func entry(_ entries: [TOMLEntry], _ key: String) throws -> TOMLEntry {
        try #require(entries.first { $0.key == key }, "no \(key)")
    }

    @Test func valuesKeysAndTablesCarryTheirPositions() throws {
        let entries = try TOMLReader.read("""
            # comment
            [loader]
            batch_rows = 5000
              \"ünï\" =   [1,
                2]
            [sources.http]
            limit.per_ip = { burst = 3 }
            """)
        let loader = try entry(entries, "loader")
        #expect(loader.keyPosition == TOMLPosition(line: 2, column: 2))
        guard case .table(let loaderEntries) = loader.node.value else { Issue.record("loader is no table"); return }
        let rows = try entry(loaderEntries, "batch_rows")
        #expect(rows.keyPosition == TOMLPosition(line: 3, column: 1))
        #expect(rows.node == TOMLNode(.integer(5000), at: TOMLPosition(line: 3, column: 14)))
        let list = try entry(loaderEntries, "ünï")
        #expect(list.keyPosition == TOMLPosition(line: 4, column: 3))
        guard case .array(let items) = list.node.value else { Issue.record("not an array"); return }
        #expect(list.node.position == TOMLPosition(line: 4, column: 13))
        #expect(items.map(\.position) == [TOMLPosition(line: 4, column: 14), TOMLPosition(line: 5, column: 5)])

        guard case .table(let sources) = try entry(entries, "sources").node.value,
            case .table(let http) = try entry(sources, "http").node.value,
            case .table(let limit) = try entry(http, "limit").node.value
        else { Issue.record("sources.http.limit missing"); return }
        #expect(try entry(http, "limit").keyPosition == TOMLPosition(line: 7, column: 1))
        let burstTable = try entry(limit, "per_ip").node
        #expect(burstTable.position == TOMLPosition(line: 7, column: 16))
    }

    @Test(arguments: [
        ("a = 1\na = 2\n", 2, 1, "key a is already defined"),
        ("[t]\n[t]\n", 2, 2, "table [t] is already defined"),
        ("a = {b = 1}\na.c = 2\n", 2, 3, "inline table or array"),
        ("[a]\nb.c = 1\n[a.b]\n", 3, 2, "table [a.b] is already defined"),
        ("x = 9223372036854775808\n", 1, 5, "does not fit in 64 bits"),
        ("x = 2023-02-29\n", 1, 5, "not a date or time that exists"),
        ("x = 1\n[[x]]\n", 2, 3, "not an array of tables"),
    ])
    func meaningErrorsSayWhere(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        do {
            _ = try TOMLReader.read(text)
            Issue.record("\(text.debugDescription) was read")
        } catch {
            #expect(error.kind == .meaning)
            #expect(error.line == line && error.column == column, "\(text.debugDescription): \(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func valuesOfEveryKind() throws {
        let entries = try TOMLReader.read("""
            s = "tab\\there \\u00e9"
            m = \"\"\"
            two\\
               lines\"\"\"
            i = [0x_ff, 0xff, -17, 1_000]
            f = [1e3, -0.5, inf]
            d = 1979-05-27T07:32:00.5-07:00
            """.replacingOccurrences(of: "0x_ff", with: "0o17"))
        #expect(try entry(entries, "s").node.value == .string("tab\there é"))
        #expect(try entry(entries, "m").node.value == .string("twolines"))
        guard case .array(let ints) = try entry(entries, "i").node.value else { Issue.record("no ints"); return }
        #expect(ints.map(\.value) == [.integer(15), .integer(255), .integer(-17), .integer(1000)])
        guard case .array(let floats) = try entry(entries, "f").node.value else { Issue.record("no floats"); return }
        #expect(floats.map(\.value) == [.float(1000), .float(-0.5), .float(.infinity)])
        guard case .dateTime(let date) = try entry(entries, "d").node.value else { Issue.record("no date"); return }
        #expect(date.kind == .offsetDateTime && date.offsetMinutes == -420 && date.nanosecond == 500_000_000)
        #expect(date.description == "1979-05-27T07:32:00.5-07:00")
    }
}

import EventdTOML
import Foundation
import Testing

/// eventd's TOML reader accepts exactly the documents Python's `tomllib` accepts and reads the same values
/// from them, on the toml-test suite's TOML 1.0 files (Corpus/toml-test, MIT, from toml-lang/toml-test) and
/// on eventd's own config files. tomllib runs once for the whole corpus (`tomllib_dump.py`).
@Suite struct TOMLConformanceTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    /// Where the two differ on purpose (TOMLReader's header says why), and what eventd does instead.
    static let knownDifferences: [String: Difference] = [
        // toml-test calls a leading byte order mark valid; tomllib refuses it; eventd skips it.
        "toml-test/valid/utf8-bom-01.toml": .eventdAccepts,
        "toml-test/valid/utf8-bom-02.toml": .eventdAccepts,
    ]

    enum Difference { case eventdAccepts }

    @Test func readsWhatTomllibReadsAndRefusesWhatItRefuses() throws {
        let corpus = try Self.corpusFiles()
        #expect(corpus.count > 700)
        let expected = try Self.tomllibOutcomes(for: corpus)
        var agreed = (accepted: 0, refused: 0)
        for (name, root) in corpus {
            let outcome = try #require(expected[name], "tomllib said nothing about \(name)")
            let data = try Data(contentsOf: root.appendingPathComponent(name))
            let ours = Self.read(data)
            switch (outcome, ours) {
            case (.accepted(let theirs), .accepted(let mine)):
                #expect(mine == theirs, "\(name): eventd read\n\(mine)\ntomllib read\n\(theirs)")
                agreed.accepted += 1
            case (.refused, .refused):
                agreed.refused += 1
            case (.refused(let why), .accepted):
                #expect(Self.knownDifferences[name] == .eventdAccepts, "\(name): eventd accepts it; tomllib refuses: \(why)")
            case (.accepted, .refused(let why)):
                Issue.record("\(name): eventd refuses it (\(why)); tomllib accepts it")
            }
        }
        #expect(agreed.accepted >= 200 && agreed.refused >= 490, "\(agreed)")
    }

    /// Every TOML file of the corpus and every shipped config, as (name, root it is under).
    static func corpusFiles() throws -> [(String, URL)] {
        var files: [(String, URL)] = []
        let corpus = testsDirectory.appendingPathComponent("Corpus")
        for root in [corpus, repositoryRoot] {
            let enumerator = FileManager.default.enumerator(atPath: root.path)
            while let path = enumerator?.nextObject() as? String {
                guard path.hasSuffix(".toml") else { continue }
                if root == repositoryRoot, !path.hasPrefix("Config/") && !path.hasPrefix("deploy/") { continue }
                files.append((path, root))
            }
        }
        return files.sorted { $0.0 < $1.0 }
    }

    enum Outcome: Equatable {
        case accepted(String)
        case refused(String)
    }

    static func tomllibOutcomes(for files: [(String, URL)]) throws -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        for root in Set(files.map(\.1)) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", testsDirectory.appendingPathComponent("tomllib_dump.py").path, root.path]
                + files.filter { $0.1 == root }.map(\.0)
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "tomllib_dump.py failed; it needs python3 3.11-3.14")
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 3 else { continue }
                outcomes[fields[0]] = fields[1] == "ok" ? .accepted(fields[2]) : .refused(fields[2])
            }
        }
        return outcomes
    }

    /// What eventd's reader makes of the bytes, in tomllib_dump.py's canonical form.
    static func read(_ data: Data) -> Outcome {
        // Not String(data:encoding:), which drops a leading byte order mark before the reader could see it.
        guard let text = String(validating: data, as: UTF8.self) else { return .refused("not UTF-8") }
        do {
            let entries = try TOMLReader.read(text)
            return .accepted(canonical(.table(entries)))
        } catch {
            return .refused(error.description)
        }
    }

    static func canonical(_ value: TOMLValue) -> String {
        switch value {
        case .table(let entries):
            let sorted = entries.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            return "{" + sorted.map { quoted($0.key) + ":" + canonical($0.node.value) }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map { canonical($0.value) }.joined(separator: ",") + "]"
        case .string(let text): return "s" + quoted(text)
        case .boolean(let value): return "b\(value)"
        case .integer(let value): return "i\(value)"
        case .float(let value): return "f" + (value.isNaN ? "nan" : String(value.bitPattern))
        case .dateTime(let value): return isoformat(value)
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if (0x20..<0x7F).contains(scalar.value) && scalar != "\"" && scalar != "\\" {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out + "\""
    }

    /// Python's isoformat(): microseconds (truncated, as tomllib reads them) only when not zero, `Z` as +00:00.
    static func isoformat(_ value: TOMLDateTime) -> String {
        func pad(_ number: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(number).count)) + String(number)
        }
        let date = "\(pad(value.year, 4))-\(pad(value.month, 2))-\(pad(value.day, 2))"
        var time = "\(pad(value.hour, 2)):\(pad(value.minute, 2)):\(pad(value.second, 2))"
        if value.nanosecond / 1000 != 0 { time += "." + pad(value.nanosecond / 1000, 6) }
        if let offset = value.offsetMinutes {
            time += (offset < 0 ? "-" : "+") + "\(pad(abs(offset) / 60, 2)):\(pad(abs(offset) % 60, 2))"
        }
        switch value.kind {
        case .offsetDateTime: return "odt" + date + "T" + time
        case .localDateTime: return "ldt" + date + "T" + time
        case .localDate: return "ld" + date
        case .localTime: return "lt" + time
        }
    }
}

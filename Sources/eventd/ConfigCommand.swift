import ArgumentParser
import EventdDaemon
import Foundation

/// `eventd config`: what the key declarations produce, for the files that ship with eventd.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the example configuration or the reference table of every key.",
        discussion: """
            Both come from the keys as eventd declares them (default, range, what a reload does, doc text), \
            so they are what this build of eventd understands. The shipped Config/eventd.toml and the table \
            in docs/configuration.md are produced with:
              eventd config example > Config/eventd.toml
              eventd config reference --write docs/configuration.md
            """,
        subcommands: [Example.self, Reference.self]
    )

    /// `eventd config example`: a complete, commented eventd.toml.
    struct Example: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a complete, commented eventd.toml: every key with its default.")

        func run() {
            print(ConfigExampleFile.render(), terminator: "")
        }
    }

    /// `eventd config reference`: the markdown table of every key.
    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the markdown table of every key, or replace it in a document.")

        @Option(help: ArgumentHelp(
            "Replace the table between the config-keys markers in this markdown file instead of printing it.",
            valueName: "path"))
        var write: String?

        func run() throws {
            guard let write else {
                print(ConfigReference.render(), terminator: "")
                return
            }
            let document = try String(contentsOfFile: write, encoding: .utf8)
            guard let updated = ConfigReference.replacingTable(in: document) else {
                throw ValidationError("\(write) has no <!-- BEGIN config-keys … --> … \(ConfigReference.endMarker) markers")
            }
            try updated.write(toFile: write, atomically: true, encoding: .utf8)
        }
    }
}

import ArgumentParser

/// `eventd-loadgen`: drives eventd with the realistic event mix, or exports that mix as COPY rows.
@main
struct LoadGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventd-loadgen",
        abstract: "Load generator for eventd (TCP, TCP with acks, UDP, HTTP) and COPY-row exporter.",
        subcommands: [SendCommand.self, RowsCommand.self, MixCommand.self],
        defaultSubcommand: SendCommand.self
    )
}

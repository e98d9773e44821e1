import ArgumentParser
import BenchSupport
import EventdCore
import Foundation

/// `eventd-loadgen rows`: the COPY text eventd's loader would send for the same event mix — the
/// events are rendered exactly as `send` renders them and encoded by eventd's own decoder — so
/// `psql \copy` of this file is the ceiling for identical rows and schema.
struct RowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rows", abstract: "Write the mix as analytics.events COPY text.")

    @Option(help: "Events to encode.") var count: Int = 1_000_000
    @Option(help: "Events per decoded text (as a TCP line of that batch size).") var batch: Int = 100
    @Option(help: "Seed of the event mix (use the one given to `send`).") var seed: UInt64 = 42
    @Option(help: "native | segment") var shape: String = "native"
    @Option(help: "tcp | udp | http: the transport column.") var transport: String = "tcp"
    @Option(help: "line | segmentBody: each text as a TCP line, or as a Segment /v1/batch body (`\"writeKey\"` after the array).")
    var unit: String = "line"
    @Option(help: "Output file.") var out: String
    @Flag(help: "Print the COPY column list and exit.") var columns = false

    func run() throws {
        if columns { print(CopyRowEncoder.eventsColumnList); return }
        guard let format = UnitFormat(rawValue: unit), format == .line || format == .segmentBody else {
            throw ValidationError("--unit must be line or segmentBody")
        }
        let mix = EventMix(shape: EventMix.Shape(rawValue: shape) ?? .native, seed: seed)
        var stamper = EventStamper(mix: mix, stream: UInt32(truncatingIfNeeded: wallClockNs() / 1_000_000) ^ 0x8000_0000)
        var decoder = EventDecoder()
        let events = RowBuffer(table: .events, initialCapacity: 8 << 20)
        let rejected = RowBuffer(table: .rejectedEvents)
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: out) else { throw ValidationError("cannot write \(out)") }
        defer { try? handle.close() }
        let context = IngestContext(receivedAt: Timestamp.now(), transport: Transport(rawValue: transport) ?? .tcp,
                                    sourceAddress: nil)
        var text: [UInt8] = []
        var done = 0
        var refused = 0
        while done < count {
            let size = min(batch, count - done)
            text.removeAll(keepingCapacity: true)
            stamper.appendUnit(format, count: size, nowNs: wallClockNs(), writeKey: "sk_bench_0123456789abcdef", to: &text)
            if format == .line { text.removeLast() }  // the newline
            var ctx = context
            ctx.receivedAt = Timestamp.now()
            let summary = decoder.decode(text, context: ctx, into: events, rejected: rejected)
            refused += summary.rejected
            done += size
            if events.count > 4 << 20 || done == count {
                events.withUnsafeBytes { handle.write(Data($0)) }
                events.removeAll(keepingCapacity: true)
                rejected.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardError.write(Data("wrote \(done - refused) rows (\(refused) refused) to \(out)\n".utf8))
        if refused > 0 { throw ExitCode(3) }
    }
}

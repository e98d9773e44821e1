import ArgumentParser
import BenchSupport

/// `eventd-loadgen mix`: prints the event mix's size distribution and a few sample events.
struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mix", abstract: "Describe the event mix (sizes, samples).")

    @Option(help: "native | segment | posthog | mixpanel | snowplow") var shape: String = "native"
    @Option(help: "Seed of the event mix.") var seed: UInt64 = 42
    @Option(help: "Sample events to print.") var samples: Int = 3

    func run() throws {
        let mix = EventMix(shape: EventMix.Shape(rawValue: shape) ?? .native, seed: seed)
        let sizes = mix.templates.map(\.bytes.count).sorted()
        print("events: \(sizes.count) templates, bytes min \(sizes.first!) p50 \(sizes[sizes.count / 2]) mean \(mix.meanBytes) max \(sizes.last!), over 600: \(sizes.filter { $0 > 600 }.count)")
        var stamper = EventStamper(mix: mix, stream: 0xABCD_0000)
        for _ in 0..<samples {
            var out: [UInt8] = []
            stamper.append(to: &out, nowNs: wallClockNs())
            print(String(decoding: out, as: UTF8.self))
        }
    }
}

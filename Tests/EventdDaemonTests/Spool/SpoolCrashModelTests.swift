@testable import EventdDaemon
import Foundation
import Testing

/// The spool against a model, with crashes at any file operation (`SpoolCrashModel`): after every
/// step, every record acknowledged as durable is in PostgreSQL or still in the spool.
@Suite struct SpoolCrashModelTests {
    /// Steps per seed; `EVENTD_SPOOL_MODEL_STEPS` runs longer by hand (each seed replays exactly).
    static let steps = Int(ProcessInfo.processInfo.environment["EVENTD_SPOOL_MODEL_STEPS"] ?? "") ?? 150

    @Test(arguments: UInt64(0)..<8)
    func everyAcknowledgedRecordIsInPostgresOrTheSpoolAfterAnyCrash(seed: UInt64) throws {
        var model = SpoolCrashModel(seed: seed)
        defer { model.cleanUp() }
        try model.run(steps: Self.steps)
        #expect(model.crashes > 10, "the run crashed often enough to mean something")
        let missing = model.acknowledged.filter { model.postgres[$0] == nil }
        #expect(missing.isEmpty, "after the last replay every acknowledged record is in PostgreSQL: \(missing.sorted().prefix(5))")
    }
}

@testable import EventdDaemon
import EventdCore
import Foundation
import Logging
import Synchronization

/// The spool driven by random operations beside a model of what it promises, with crashes at any
/// file operation. The model is three sets: ids acknowledged as durable (an `append` returned), ids
/// committed in "PostgreSQL" (a replayed chunk, counted before the spool is told), and ids ever sent.
///
/// The promise, checked after every step on a copy of the directory (opened and drained as the next
/// eventd would): every acknowledged id is in PostgreSQL or comes back from the spool; nothing comes
/// back that was never sent. Replaying an id twice is allowed — the events' primary key absorbs it.
///
/// A crash is modelled as the disk a killed process leaves: the directory copied just before the
/// n-th file operation (`SpoolFileIO.testOnly_beforeOperation`), with what the interrupted operation
/// would have acknowledged not counted. On top of that, a crash may leave a torn record at the end of
/// the newest segment (a write cut short) and an older cursor, or none (the cursor is never fsynced).
/// Not modelled: a power loss that also undoes an unlink or a directory entry that was not fsynced.
struct SpoolCrashModel {
    private var random: SeededRandom
    private let directory = TemporarySpoolDirectory()
    private let settings: SpoolSettings
    private var spool: Spool?
    private(set) var acknowledged: Set<String> = []
    private(set) var postgres: [String: Int] = [:]
    private var sent: Set<String> = []
    private var nextID = 0
    private var cursorHistory: [[UInt8]] = []
    /// What happened, for the failure message: a failing seed replays exactly.
    private(set) var history: [String] = []
    private(set) var crashes = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        // Small segments, so appends rotate and replay deletes segments all the time.
        settings = directory.settings(maxBytes: 1 << 22, segmentBytes: 600, fsync: .batch)
    }

    func cleanUp() {
        spool?.close()
        directory.remove()
        try? FileManager.default.removeItem(atPath: directory.path + ".check")
        try? FileManager.default.removeItem(atPath: directory.path + ".crash")
    }

    mutating func run(steps: Int) throws {
        spool = try directory.open(settings)
        for _ in 0..<steps {
            switch random.below(100) {
            case 0..<40: try append()
            case 40..<62: try replay()
            case 62..<68: try replayThenCrashBeforeTheCursorMoves()
            case 68..<76: try restart()
            case 76..<96: try crashDuringAnOperation()
            default: try crash(tearTail: true)
            }
            try check()
        }
        // The end of the story: a last start replays everything that is left.
        try restart()
        while let chunk = try spool!.readChunk(maxRows: 50, pool: BatchPool()) {
            commitToPostgres(chunk)
            try spool!.commit(chunk)
        }
        try check()
    }

    /// Ids acknowledged but neither in PostgreSQL nor recoverable from the spool; ids that came back
    /// but were never sent.
    func violations(recovered: Set<String>) -> (lost: [String], unexpected: [String]) {
        let stored = Set(postgres.keys).union(recovered)
        return (acknowledged.subtracting(stored).sorted(), stored.subtracting(sent).sorted())
    }

    // MARK: - Operations

    private mutating func append() throws {
        let ids = (0..<(1 + random.below(3))).map { _ in newID() }
        try spool!.append(ids.map { spoolTestBatch($0, rows: 1) })
        acknowledged.formUnion(ids.map { "\($0)-0" })
        history.append("append \(ids)")
    }

    private mutating func replay() throws {
        guard let chunk = try spool!.readChunk(maxRows: 1 + random.below(4), pool: BatchPool()) else { return }
        commitToPostgres(chunk)
        try spool!.commit(chunk)
        history.append("replay \(spoolTestNames(chunk.batches))")
    }

    /// The crash between a replay's COMMIT and the cursor update: PostgreSQL has the rows, the spool
    /// does not know; the next start replays them again.
    private mutating func replayThenCrashBeforeTheCursorMoves() throws {
        guard let chunk = try spool!.readChunk(maxRows: 1 + random.below(4), pool: BatchPool()) else { return }
        commitToPostgres(chunk)
        history.append("replay \(spoolTestNames(chunk.batches)), crash before the cursor moves")
        try crash(tearTail: false)
    }

    private mutating func restart() throws {
        spool?.close()
        spool = nil
        spool = try directory.open(settings)
        history.append("restart")
    }

    /// Runs an append or a replay with the n-th file operation as the instant of a crash.
    private mutating func crashDuringAnOperation() throws {
        let camera = CrashCamera(directory: directory.path, countdown: random.below(10))
        let appending = random.below(2) == 0
        let ids = appending ? (0..<(1 + random.below(3))).map { _ in newID() } : []
        var replayed: SpoolChunk?
        try SpoolFileIO.$testOnly_beforeOperation.withValue({ camera.observe($0, $1) }) {
            if appending {
                try spool!.append(ids.map { spoolTestBatch($0, rows: 1) })
            } else if let chunk = try spool!.readChunk(maxRows: 1 + random.below(4), pool: BatchPool()) {
                replayed = chunk
                commitToPostgres(chunk)  // COMMIT happens before the spool is told
                try spool!.commit(chunk)
            }
        }
        guard let operation = camera.crashedAt else {
            // The countdown outlasted the operation: it completed, no crash.
            if appending { acknowledged.formUnion(ids.map { "\($0)-0" }) }
            history.append(appending ? "append \(ids)" : "replay \(replayed.map { spoolTestNames($0.batches) } ?? [])")
            return
        }
        // Killed at `operation`: the append never returned (nothing acknowledged); a replay's COMMIT did.
        history.append("\(appending ? "append \(ids)" : "replay") killed before \(operation)")
        spool?.close()
        spool = nil
        try FileManager.default.removeItem(atPath: directory.path)
        try FileManager.default.moveItem(atPath: camera.snapshot, toPath: directory.path)
        try crash(tearTail: random.below(3) == 0)
    }

    /// Stops without closing cleanly (what is on disk now is all the next start gets), maybe with a
    /// torn record at the end of the newest segment and an older cursor or none, then starts again.
    private mutating func crash(tearTail: Bool) throws {
        spool?.close()
        spool = nil
        crashes += 1
        if tearTail, let newest = directory.segmentFiles().last {
            let path = directory.path + "/" + newest
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // A record cut short: a prefix of the segment's first record, or bytes of nothing.
            let torn = bytes.isEmpty || random.below(2) == 0
                ? (0..<(1 + random.below(40))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                : Array(bytes.prefix(1 + random.below(min(bytes.count, 60))))
            bytes += torn
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            history.append("torn tail of \(torn.count) bytes on \(newest)")
        }
        let cursorPath = directory.path + "/" + SpoolCursor.fileName
        if !cursorHistory.isEmpty, random.below(4) == 0 {
            let pick = random.below(cursorHistory.count + 1)
            if pick == cursorHistory.count {
                try? FileManager.default.removeItem(atPath: cursorPath)
                history.append("cursor lost")
            } else {
                try Data(cursorHistory[pick]).write(to: URL(fileURLWithPath: cursorPath))
                history.append("cursor back to an older one (#\(pick))")
            }
        }
        spool = try directory.open(settings)
        history.append("start after crash")
    }

    // MARK: - Checking

    /// Copies the directory and drains the copy as the next eventd would; checks the promise.
    private mutating func check() throws {
        if let cursor = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.path + "/" + SpoolCursor.fileName))),
           cursorHistory.last != cursor {
            cursorHistory.append(cursor)
        }
        let copy = directory.path + ".check"
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: directory.path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        var recovered: Set<String> = []
        var logger = Logger(label: "spool-crash-model")
        logger.logLevel = .critical
        let reader = try Spool.open(settings: SpoolSettings(directory: copy, maxBytes: settings.maxBytes,
                                                             segmentBytes: settings.segmentBytes, fsync: .never),
                                    logger: logger, metrics: nil)
        defer { reader.close() }
        while let chunk = try reader.readChunk(maxRows: 100, pool: BatchPool()) {
            recovered.formUnion(spoolTestNames(chunk.batches))
            try reader.commit(chunk)
        }
        let (lost, unexpected) = violations(recovered: recovered)
        if !lost.isEmpty || !unexpected.isEmpty {
            throw SpoolCrashModelViolation(lost: lost, unexpected: unexpected, history: history)
        }
    }

    private mutating func commitToPostgres(_ chunk: SpoolChunk) {
        for id in spoolTestNames(chunk.batches) { postgres[id, default: 0] += 1 }
    }

    private mutating func newID() -> String {
        nextID += 1
        sent.insert("r\(nextID)-0")
        return "r\(nextID)"
    }
}

struct SpoolCrashModelViolation: Error, CustomStringConvertible {
    let lost: [String]
    let unexpected: [String]
    let history: [String]
    var description: String {
        "lost \(lost.prefix(10)), unexpected \(unexpected.prefix(10)); last steps: \(history.suffix(12).joined(separator: " · "))"
    }
}

/// Copies the spool directory at the n-th file operation it is told of: the disk as a process killed
/// at that instant leaves it (what was written is in the page cache, so it survives a process crash).
final class CrashCamera: Sendable {
    let directory: String
    let snapshot: String
    private let state: Mutex<(countdown: Int, crashedAt: String?)>

    init(directory: String, countdown: Int) {
        self.directory = directory
        snapshot = directory + ".crash"
        state = Mutex((countdown, nil))
        try? FileManager.default.removeItem(atPath: snapshot)
    }

    /// The operation (and path) before which the copy was taken; nil if the countdown never ran out.
    var crashedAt: String? { state.withLock { $0.crashedAt } }

    func observe(_ operation: String, _ path: String) {
        state.withLock { state in
            guard state.crashedAt == nil else { return }
            if state.countdown > 0 {
                state.countdown -= 1
                return
            }
            try? FileManager.default.copyItem(atPath: directory, toPath: snapshot)
            state.crashedAt = "\(operation) \((path as NSString).lastPathComponent)"
        }
    }
}

/// SplitMix64: a seeded generator, so a failing seed replays the same steps.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x1234_5678 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

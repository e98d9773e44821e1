import Foundation
import NIOConcurrencyHelpers
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import EventdTesting

/// Runs blocking client code on a thread of its own, so socket waits never hold a cooperative-pool thread.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// The message ids whose events a client was told are safe (ack or 2xx), shared between client threads.
/// A pthread-based lock, not `Synchronization.Mutex`: ThreadSanitizer cannot see Mutex's futex and would
/// report every pair of appends as a race (see EventdCore's PThreadLock).
final class ConfirmedIDs: Sendable {
    private let ids = NIOLockedValueBox<[String]>([])
    private let spooledAcks = Atomic<Int>(0)

    func add(_ new: [String], spooled: Bool = false) {
        ids.withLockedValue { $0.append(contentsOf: new) }
        if spooled { spooledAcks.add(1, ordering: .relaxed) }
    }
    var all: [String] { ids.withLockedValue { $0 } }
    var count: Int { ids.withLockedValue { $0.count } }
    /// Acknowledgements that said `"spooled":true`.
    var spooled: Int { spooledAcks.load(ordering: .relaxed) }
}

/// A stop flag for client loops.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func stop() { flag.store(true, ordering: .relaxed) }
    var isStopped: Bool { flag.load(ordering: .relaxed) }
}

/// One event with a fixed id and timestamp (so a resend or a replay is the same primary key).
func faultEvent(_ id: String, name: String = "Fault") -> String {
    #"{"type":"track","event":"\#(name)","anonymousId":"a","messageId":"\#(id)","timestamp":"\#(faultTimestamp)"}"#
}

let faultTimestamp: String = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
}()

/// The lines `{"batch":[…]}` of `count` events with ids `prefix-<line>-<i>`.
func faultLine(prefix: String, line: Int, events: Int) -> (text: String, ids: [String]) {
    let ids = (0..<events).map { "\(prefix)-\(line)-\($0)" }
    return ("{\"batch\":[\(ids.map { faultEvent($0) }.joined(separator: ","))]}\n", ids)
}

/// A TCP ack-mode sender: one line of `eventsPerLine` events every `interval`, each line's ids recorded
/// as confirmed when its ack arrives. Stops at `stop` or when the connection ends (eventd killed).
func runAckSender(port: Int, prefix: String, eventsPerLine: Int, interval: Duration,
                  confirmed: ConfirmedIDs, stop: StopFlag) throws -> Int {
    let client = try LineClient(port: port)
    try client.send("{\"ack\":true}\n")
    var line = 0
    while !stop.isStopped {
        let (text, ids) = faultLine(prefix: prefix, line: line, events: eventsPerLine)
        do { try client.send(text) } catch { break }
        guard let reply = client.readLine(), let ack = parseJSON(reply) else { break }
        if ack["failed"] == nil, ack["accepted"] as? Int == eventsPerLine {
            confirmed.add(ids, spooled: ack["spooled"] as? Bool == true)
        }
        line += 1
        Thread.sleep(forTimeInterval: interval.secondsValue)
    }
    return line
}

extension Duration {
    var secondsValue: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}

/// Every confirmed id must be stored exactly once, and no id at all more than once.
struct ExactlyOnceCheck {
    var missing: [String]
    var duplicated: Int
    var stored: Int
}

func checkExactlyOnce(_ confirmed: [String], database: TestDatabase, prefix: String) throws -> ExactlyOnceCheck {
    let connection = try database.connect()
    defer { connection.close() }
    let rows = try connection.query("SELECT message_id FROM analytics.events WHERE message_id LIKE '\(prefix)%'")
    var stored = Set<String>()
    var duplicated = 0
    for row in rows {
        let id = row[0] ?? ""
        if !stored.insert(id).inserted { duplicated += 1 }
    }
    return ExactlyOnceCheck(missing: confirmed.filter { !stored.contains($0) }, duplicated: duplicated, stored: stored.count)
}

/// All fault suites run one test at a time (each starts a PostgreSQL of its own, or eventd processes,
/// and several at once on a small machine would starve the rest of the parallel test run).
@Suite(.serialized, .tags(.fault)) enum FaultTests {}

extension PrivatePostgres {
    /// `start()`, `stopServer()`, `startServer()` block for seconds (initdb, pg_ctl -w): off the
    /// cooperative pool, so other tests' daemons keep running meanwhile.
    static func started() async throws -> PrivatePostgres { try await onThread { try PrivatePostgres.start() } }
    func stop() async throws { try await onThread { try self.stopServer() } }
    func restart() async throws { try await onThread { try self.startServer() } }
}

/// A fresh migrated database and a work directory (configs, logs, spools) for one test's eventd processes.
struct FaultWorkspace {
    let database: TestDatabase
    private let directory: TemporarySpoolDirectory
    var path: String { directory.path }

    static func create() throws -> FaultWorkspace {
        let directory = TemporarySpoolDirectory()
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        return FaultWorkspace(database: try TestDatabase.create(), directory: directory)
    }

    func remove() {
        database.drop()
        directory.remove()
    }
}

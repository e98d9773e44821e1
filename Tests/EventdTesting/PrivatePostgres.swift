import EventdMigrations
import EventdPostgres
import Foundation

/// A throwaway PostgreSQL server of the test's own, for faults that must not touch the shared
/// server: stopping it, restarting it mid-stream. Runs as the `postgres` user when the tests run
/// as root (PostgreSQL refuses root), listens on 127.0.0.1 only, and is removed at the end.
final class PrivatePostgres: @unchecked Sendable {
    let directory: String
    let port: Int
    private let binDirectory: String

    var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }

    static func start() throws -> PrivatePostgres {
        let bin = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"]
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
        guard let bin else { throw TestSetupError("no PostgreSQL server binaries under /usr/lib/postgresql: apt-get install postgresql") }
        let directory = "/tmp/eventd-test-pg-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = PrivatePostgres(directory: directory, port: try freeLoopbackPort(), binDirectory: bin)
        if getuid() == 0 { try server.run("/bin/chown", ["postgres", directory], asPostgres: false) }
        try server.run(bin + "/initdb", ["-D", directory + "/data", "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        try server.startServer()
        let connection = try PostgresConnection.connect(url: server.url)
        defer { connection.close() }
        try MigrationRunner(connection: connection).apply()
        return server
    }

    private init(directory: String, port: Int, binDirectory: String) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
    }

    func startServer() throws {
        try run(binDirectory + "/pg_ctl", [
            "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "30",
            "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ])
    }

    func stopServer() throws {
        try run(binDirectory + "/pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    func destroy() {
        try? stopServer()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func scalar(_ sql: String) throws -> Int {
        let connection = try PostgresConnection.connect(url: url)
        defer { connection.close() }
        return Int(try connection.query(sql).first?[0] ?? "") ?? -1
    }

    /// Runs a command through `system()`, not Foundation's `Process`: `pg_ctl start` leaves the
    /// server running with inherited descriptors, and `Process.waitUntilExit` then never returns.
    private func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true) throws {
        var words = [executable] + arguments
        if asPostgres && getuid() == 0 { words = ["/usr/sbin/runuser", "-u", "postgres", "--"] + words }
        let command = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system(command + " </dev/null >/dev/null 2>&1")
        guard status == 0 else {
            throw TestSetupError("\(words.joined(separator: " ")) failed with status \(status)")
        }
    }
}

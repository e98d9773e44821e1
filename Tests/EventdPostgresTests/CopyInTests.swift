import EventdPostgres
import Testing
@testable import EventdTesting

@Suite("COPY FROM STDIN")
struct CopyInTests {
    @Test func rowsLandAndTheServerCountIsReturned() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int, name text, props jsonb)")
            let count = try connection.copyIn("COPY t (id, name, props) FROM STDIN") { writer in
                try writer.write("1\tfirst\t{\"a\": 1}\n")
                try writer.write(Array("2\tsec".utf8))
                try writer.write(Array("ond\t\\N\n".utf8))  // a row split across writes
                for id in 3...500 { try writer.write("\(id)\tname \(id)\t{}\n") }
            }
            #expect(count == 500)
            #expect(try connection.query("SELECT count(*), count(props) FROM t").first.map { [try $0.int(0), try $0.int(1)] } == [500, 499])
            #expect(try connection.query("SELECT name FROM t WHERE id = 2").first?[0] == "second")
        }
    }

    @Test func oneLargeBufferPassesThrough() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int, pad text)")
            var buffer: [UInt8] = []
            let pad = String(repeating: "x", count: 100)
            for id in 0..<50_000 { buffer.append(contentsOf: "\(id)\t\(pad)\n".utf8) }
            #expect(buffer.count > 5_000_000)
            let count = try connection.copyIn("COPY t FROM STDIN") { writer in
                try buffer.withUnsafeBytes { try writer.write($0) }
            }
            #expect(count == 50_000)
        }
    }

    @Test func badRowThrowsWithSQLStateAndConnectionStaysUsable() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int, name text)")
            let error = #expect(throws: PostgresError.self) {
                try connection.copyIn("COPY t FROM STDIN") { writer in
                    try writer.write("1\tok\n")
                    try writer.write("not-a-number\tbad\n")
                    try writer.write("3\tok\n")
                }
            }
            #expect(error?.code == .copyFailed)
            #expect(error?.sqlState == "22P02")
            #expect(error?.context?.hasPrefix("COPY t, line 2, column id") == true, "context: \(String(describing: error?.context))")
            #expect(error?.isConnectionProblem == false)
            #expect(!(error?.description.contains("\n") ?? true))
            #expect(connection.isConnected)
            #expect(try connection.query("SELECT count(*) FROM t").first?.int(0) == 0)
            // And the next COPY works.
            #expect(try connection.copyIn("COPY t FROM STDIN") { try $0.write("4\tfine\n") } == 1)
        }
    }

    @Test func constraintViolationDuringCopyCarriesSQLState() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            let error = #expect(throws: PostgresError.self) {
                try connection.copyIn("COPY t FROM STDIN (FORMAT csv)") { try $0.write("1\n2\n1\n") }
            }
            #expect(error?.sqlState == "23505")
        }
    }

    @Test func errorThrownByBodyAbortsTheCopyAndIsRethrown() throws {
        struct ProducerFailed: Error, Equatable { let reason: String }
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int)")
            #expect(throws: ProducerFailed(reason: "spool unreadable")) {
                try connection.copyIn("COPY t FROM STDIN") { writer in
                    try writer.write("1\n2\n")
                    throw ProducerFailed(reason: "spool unreadable")
                }
            }
            #expect(connection.isConnected)
            #expect(!connection.isInTransaction)
            #expect(try connection.query("SELECT count(*) FROM t").first?.int(0) == 0)
            #expect(try connection.copyIn("COPY t FROM STDIN") { try $0.write("5\n") } == 1)
        }
    }

    @Test func statementErrorsAndNonCopyStatementsAreReported() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let missing = #expect(throws: PostgresError.self) {
                try connection.copyIn("COPY nowhere FROM STDIN") { _ in Issue.record("body must not run") }
            }
            #expect(missing?.code == .queryFailed)
            #expect(missing?.sqlState == "42P01")
            let notCopy = #expect(throws: PostgresError.self) {
                try connection.copyIn("SELECT 1") { _ in Issue.record("body must not run") }
            }
            #expect(notCopy?.code == .unexpectedResult)
            #expect(try connection.query("SELECT 1").first?.int(0) == 1)
        }
    }

    @Test func copyThroughQueryIsRefusedWithoutWedgingTheConnection() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int)")
            let error = #expect(throws: PostgresError.self) { try connection.query("COPY t FROM STDIN") }
            #expect(error?.code == .unexpectedResult)
            #expect(try connection.query("SELECT 1").first?.int(0) == 1)
        }
    }
}

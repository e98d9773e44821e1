import EventdPostgres
import Testing
@testable import EventdTesting

@Suite("Queries")
struct QueryTests {
    @Test func parametersRoundTripNullsUnicodeAndQuotesWithoutInjection() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE students (id int PRIMARY KEY, name text, nick text)")
            let hostile = "Robert'); DROP TABLE students;-- \"quoted\" \\ backslash $1"
            let unicode = "héllo 🎉 日本語 \u{200B}"
            let insert = try connection.query(
                "INSERT INTO students (id, name, nick) VALUES ($1, $2, $3), ($4, $5, $6)",
                ["1", hostile, nil, "2", unicode, ""]
            )
            #expect(insert.affectedRows == 2)
            #expect(insert.commandTag == "INSERT 0 2")

            let rows = try connection.query("SELECT id, name, nick FROM students ORDER BY id")
            #expect(rows.columns == ["id", "name", "nick"])
            #expect(rows.count == 2)
            #expect(try rows[0].int("id") == 1)
            #expect(rows[0]["name"] == hostile)
            #expect(rows[0]["nick"] == nil)
            #expect(rows[1][1] == unicode)
            #expect(rows[1][2] == "")
            #expect(try connection.query("SELECT count(*) FROM students WHERE name = $1", [hostile]).first?.int(0) == 1)
        }
    }

    @Test func typedHelpersConvertTextValues() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let row = try #require(try connection.query("SELECT 42, true, false, 2.5::float8, 'Infinity'::float8, NULL::int, 'abc'").first)
            #expect(try row.int(0) == 42)
            #expect(try row.bool(1) == true)
            #expect(try row.bool(2) == false)
            #expect(try row.double(3) == 2.5)
            #expect(try row.double(4) == .infinity)
            #expect(try row.int(5) == nil)
            let error = #expect(throws: PostgresError.self) { try row.int(6) }
            #expect(error?.code == .invalidValue)
        }
    }

    @Test func updateReportsAffectedRows() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)")
            let result = try connection.query("UPDATE t SET id = id + 100 WHERE id <= $1", ["4"])
            #expect(result.affectedRows == 4)
            #expect(try connection.query("CREATE TABLE u (id int)").affectedRows == nil)
        }
    }

    @Test func uniqueViolationCarriesSQLStateAndDetail() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY)")
            try connection.query("INSERT INTO t VALUES ($1)", ["1"])
            let error = #expect(throws: PostgresError.self) { try connection.query("INSERT INTO t VALUES ($1)", ["1"]) }
            #expect(error?.code == .queryFailed)
            #expect(error?.sqlState == "23505")
            #expect(error?.severity == "ERROR")
            #expect(error?.detail == "Key (id)=(1) already exists.")
            #expect(error?.isConnectionProblem == false)
            #expect(error?.description == #"ERROR 23505 duplicate key value violates unique constraint "t_pkey" (detail: Key (id)=(1) already exists.)"#)
            #expect(try connection.query("SELECT count(*) FROM t").first?.int(0) == 1)
        }
    }

    @Test func executeRunsManyStatementsAndStopsAtTheFirstError() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE a (x int); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);")
            let error = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO a VALUES (3); SELEC 1; INSERT INTO a VALUES (4);")
            }
            #expect(error?.sqlState == "42601")
            // Outside a transaction block the simple protocol runs the string as one implicit transaction.
            #expect(try connection.query("SELECT count(*) FROM a").first?.int(0) == 2)
            try connection.execute("")
        }
    }

    @Test func nulBytesAreRejectedBeforeReachingLibpq() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT $1::text", ["a\u{0}b"]) }
            #expect(error?.code == .invalidArgument)
            #expect(try connection.query("SELECT 1").first?.int(0) == 1)
        }
    }

    @Test func transactionCommitsAndRollsBack() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            let value = try connection.transaction { connection in
                try connection.query("INSERT INTO t VALUES (1)")
                return 7
            }
            #expect(value == 7)

            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try connection.transaction { connection in
                    try connection.query("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            let swallowed = #expect(throws: PostgresError.self) {
                try connection.transaction { connection in
                    try connection.query("INSERT INTO t VALUES (3)")
                    _ = try? connection.query("INSERT INTO t VALUES (1)")
                }
            }
            #expect(swallowed?.code == .transactionAborted)
            #expect(!connection.isInTransaction)
            #expect(try connection.query("SELECT array_agg(id ORDER BY id)::text FROM t").first?[0] == "{1}")
        }
    }
}

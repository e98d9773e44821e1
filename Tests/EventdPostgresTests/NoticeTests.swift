import EventdPostgres
import Testing
@testable import EventdTesting

@Suite("Notices")
struct NoticeTests {
    @Test func noticeHandlerReceivesRaisedNotices() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            var received: [PostgresNotice] = []
            connection.noticeHandler = { received.append($0) }
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful' USING HINT = 'look'; END $$")
            #expect(received.count == 2)
            #expect(received.first?.severity == "NOTICE")
            #expect(received.first?.sqlState == "00000")
            #expect(received.first?.message == "hello 42")
            #expect(received.last?.severity == "WARNING")
            #expect(received.last?.hint == "look")
            #expect(received.last?.description == "WARNING 01000 careful (hint: look)")

            connection.noticeHandler = nil
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'dropped'; END $$")
            #expect(received.count == 2)
        }
    }

    @Test func noticeHandlerSurvivesReset() throws {
        try withTestDatabase(migrated: false) { db in
            let connection = try db.connect()
            var messages: [String] = []
            connection.noticeHandler = { messages.append($0.message) }
            try connection.reset()
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'after reset'; END $$")
            #expect(messages == ["after reset"])
        }
    }
}

@testable import EventdDaemon
import EventdMigrations
import Foundation
import Testing
@testable import EventdTesting

/// Each console page in headless Chromium (Debian's `chromium`): it loads with the Basic credential, the
/// browser logs no console message (the pages have no script, so any message is a CSP violation or an
/// error), and a screenshot of it is written to `.build/console-screenshots/` (git-ignored; the one in
/// `docs/images/` is refreshed from there by hand).
@Suite(.serialized)
struct ConsoleBrowserTests {
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../.build/console-screenshots").standardized

    @Test(.enabled(if: HTTPBrowserTests.chromium != nil, "chromium is not installed (apt-get install chromium); .ci/run installs it"))
    func everyPageLoadsInChromiumWithoutConsoleMessages() async throws {
        try await withTestDatabase { database in
            try Self.seed(database)
            try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
            try await ConsoleTestDaemon.with(database: database) { daemon in
                let console = try #require(daemon.running.daemon.console)
                console.sample()
                let client = try LineClient(port: daemon.running.tcpPort)
                for index in 0..<200 { try client.send(#"{"type":"track","event":"browser_test_\#(index % 4)","anonymousId":"a"}"# + "\n") }
                try client.send("{\"type\":\"track\",\"event\":\"<script>alert(1)</script>\"\n")
                try await Task.sleep(for: .milliseconds(500))
                console.sample()
                for page in ConsolePage.allCases {
                    let url = "http://\(ConsoleTestDaemon.user):\(ConsoleTestDaemon.password)@127.0.0.1:\(daemon.port)\(page.path)"
                    let file = Self.screenshots.appendingPathComponent("\(page.rawValue).png")
                    try? FileManager.default.removeItem(at: file)
                    let (dom, log) = try await Self.chromium(url: url, screenshot: file, height: page == .dashboards ? 3400 : 1300)
                    #expect(dom.contains("<h1>\(page.title)</h1>"), "\(page.path) rendered (not a 401): \(dom.prefix(300))")
                    let messages = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }
                    #expect(messages.isEmpty, "\(page.path) logged: \(messages)")
                    #expect(!dom.contains("<script"), "\(page.path) holds no script, the hostile name included")
                    let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                    #expect(size > 10_000, "a screenshot of \(page.path) at \(file.path)")
                }
            }
        }
    }

    /// Rollups, KPIs and refusals to draw: the development seed (leads, onboarding, experiments, WhatsApp),
    /// events over the last hours, refusals with hostile bytes.
    static func seed(_ database: TestDatabase) throws {
        let connection = try database.connect()
        defer { connection.close() }
        let seedData = try #require(Migrations.bundled.first { $0.fileName == "005_seed_data.sql" })
        try connection.execute("SET app.environment = 'development'")
        try connection.execute(seedData.sql)
        try connection.execute("""
            INSERT INTO analytics.events (type, name, occurred_at, original_timestamp, transport)
            SELECT (array['track','page','identify'])[1 + i % 3]::analytics.event_type,
                   (array['signup','page_view','purchase','trial_started','invite_sent'])[1 + i % 5],
                   now() - (i % 40) * interval '1 hour', now() - (i % 40) * interval '1 hour', 'http'
            FROM generate_series(1, 600) AS i;
            INSERT INTO analytics.rejected_events (transport, reason, detail, raw, raw_size, source_key, received_at)
            SELECT 'http', (array['invalid_json','missing_name','too_deep'])[1 + i % 3], 'seeded refusal',
                   convert_to('{"event": "<script>alert(' || i || ')</script>"', 'UTF8'), 40, 'website', now() - i * interval '20 minutes'
            FROM generate_series(1, 40) AS i;
            SELECT analytics.run_rollups();
            """)
    }

    /// Headless Chromium on `url`: the DOM it ends with and its log (console messages are INFO:CONSOLE lines).
    static func chromium(url: String, screenshot: URL, height: Int) async throws -> (dom: String, log: String) {
        let chromium = try #require(HTTPBrowserTests.chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("eventd-console-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("eventd-console-\(UUID().uuidString).out")
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("eventd-console-\(UUID().uuidString).err")
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        browser.arguments = ["--kill-after=5", "60", chromium,
                             "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                             "--user-data-dir=\(profile.path)", "--window-size=1200,\(height)",
                             "--screenshot=\(screenshot.path)", "--dump-dom", url]
        browser.standardOutput = try FileHandle(forWritingTo: output)
        browser.standardError = try FileHandle(forWritingTo: errors)
        try browser.run()
        while browser.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        return (try String(contentsOf: output, encoding: .utf8), try String(contentsOf: errors, encoding: .utf8))
    }
}

@testable import EventdDaemon
import Foundation
import Testing

/// The console's pure parts, without a daemon: escaping, the credential check, query decoding, filters.
@Suite struct ConsolePartsTests {
    @Test func escapesEveryCharacterThatCouldOpenMarkup() {
        #expect(HTMLText.escape(#"<a href="x" onclick='y'>&</a>"#)
                == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
    }

    @Test func showsRawBytesReadablyAndCutsThem() {
        #expect(HTMLText.readable(Array("é<\n".utf8) + [0x00, 0xFF, 0xC3], limit: 100) == "é<\\n\\x00\\xFF\\xC3")
        #expect(HTMLText.readable(Array("abcdef".utf8), limit: 3) == "abc…")
    }

    @Test func acceptsOnlyItsOwnCredentials() {
        var config = ConsoleConfig()
        config.token = "token-0123456789abcdefghijkl"
        config.user = "operator"
        config.password = "password-123"
        let auth = ConsoleAuth(config)
        #expect(auth.allows("Bearer token-0123456789abcdefghijkl"))
        #expect(auth.allows("bearer token-0123456789abcdefghijkl"), "the scheme is case-insensitive")
        #expect(auth.allows("Basic " + Data("operator:password-123".utf8).base64EncodedString()))
        #expect(!auth.allows(nil))
        #expect(!auth.allows("Bearer token-0123456789abcdefghijk"))
        #expect(!auth.allows("Bearer token-0123456789abcdefghijklm"))
        #expect(!auth.allows("Basic " + Data("operator:password-124".utf8).base64EncodedString()))
        #expect(!auth.allows("Token token-0123456789abcdefghijkl"))
        #expect(ConsoleAuth.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!ConsoleAuth.constantTimeEqual([1, 2], [1, 2, 3]) && !ConsoleAuth.constantTimeEqual([1, 2, 3, 0], [1, 2, 3]))
    }

    @Test func decodesTheQueryAndDropsWhatTheFilterDoesNotKnow() {
        let request = ConsoleRequest(uri: "/console/refusals?reason=no_such_reason&source_key=a+b%3C&since=1y", authorization: nil)
        #expect(request.query["source_key"] == "a b<")
        let filter = RefusalsPage.Filter(request.query)
        #expect(filter.reason == nil && filter.sourceKey == "a b<" && filter.period == .day)
        #expect(filter.statements.map(\.parameters) == [["24 hours", nil, "a b<", "hour"], ["24 hours", nil, "a b<"]])
    }

    @Test func refusesAConsoleSecretThatIsAWriteKey() {
        var config = EventdConfig()
        config.sources.http.writeKeys = [WriteKey(name: "site", key: "shared-secret-0123456789abcdef", kind: .public, allowedOrigins: [])]
        config.console.token = "shared-secret-0123456789abcdef"
        #expect(throws: ConfigError.self) { try config.validate() }
        config.console.token = nil
        config.console.user = "operator"
        #expect(throws: ConfigError.self, "a user without a password") { try config.validate() }
    }
}

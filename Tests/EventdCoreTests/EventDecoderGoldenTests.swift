import Testing
@testable import EventdCore

@Suite struct EventDecoderGoldenTests {
    @Test func encodesSeedNativeEventAsExactCopyRow() {
        let d = decode(#"{"type":"user_action","name":"demo_request","session_id":"session_123","properties":{"page": "/demo"}}"#)
        #expect(d.summary == DecodeSummary(accepted: 1))
        let id = EventUUID.parse(d.columns()[0])!
        #expect(id.version == 7)
        #expect(d.rows[0] == "\(id)\t\\N\tuser_action\tdemo_request\tsession_123\t\\N\t\\N\t"
            + "2025-06-01 12:00:00.000000+00\t2025-06-01 12:00:00.000000+00\t\\N\t2025-06-01 12:00:00.000000+00\t"
            + "{\"page\": \"/demo\"}\t{}\ttcp\t203.0.113.0\tweb\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\tf\t\\N")
        #expect(d.buffer.minOccurredAt == testReceivedAt && d.buffer.maxOccurredAt == testReceivedAt)
    }

    @Test func encodesSegmentTrackWithEnrichmentAsExactCopyRow() {
        let text = #"""
        {"type":"track","event":"Signed Up","userId":"u1","messageId":"3F2504E0-4F89-11D3-9A0C-0305E82C3301",
         "timestamp":"2025-06-01T11:59:00.5Z","sentAt":"2025-06-01T11:59:30+00:00",
         "properties":{"plan":"pro","note":"a\tb\\c"},
         "context":{"userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
           "page":{"url":"https://ex.com/pricing?utm_source=google&utm_campaign=spring%20sale&gclid=abc123","referrer":"https://google.com/"},
           "location":{"country":"de"}}}
        """#
        let d = decode(text)
        #expect(d.summary == DecodeSummary(accepted: 1))
        let c = d.columns()
        #expect(c.count == 32)
        #expect(c[0] == "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        #expect(c[1] == "3F2504E0-4F89-11D3-9A0C-0305E82C3301")
        #expect(Array(c[2...6]) == ["track", "Signed Up", "\\N", "u1", "\\N"])
        // skew: device clock 30 s slow ⇒ occurred = 11:59:00.5 + 30 s
        #expect(c[7] == "2025-06-01 11:59:30.500000+00")
        #expect(c[8] == "2025-06-01 11:59:00.500000+00")
        #expect(c[9] == "2025-06-01 11:59:30.000000+00")
        #expect(c[10] == "2025-06-01 12:00:00.000000+00")
        #expect(c[11] == #"{"plan":"pro","note":"a\\tb\\\\c"}"#)
        #expect(Array(c[13...15]) == ["tcp", "203.0.113.0", "web"])
        #expect(Array(c[17...20]) == ["Safari", "iOS", "mobile", "DE"])
        #expect(Array(c[21...23]) == ["https://ex.com/pricing?utm_source=google&utm_campaign=spring%20sale&gclid=abc123", "/pricing", "https://google.com/"])
        #expect(Array(c[24...31]) == ["google", "\\N", "spring sale", "\\N", "\\N", "abc123", "f", "\\N"])
    }

    @Test func mapsSegmentIdentifyTraitsAndGroupIdIntoProperties() {
        let d = decode(#"{"type":"group","anonymousId":"a1","groupId":"g-7","traits":{"name":"Acme"},"properties":{"x":1}}"#)
        #expect(d["name"] == "group")
        #expect(d["properties"] == #"{"name":"Acme","groupId":"g-7"}"#)
        let alias = decode(#"{"type":"alias","userId":"u2","previousId":"anon-9"}"#)
        #expect(alias["properties"] == #"{"previousId":"anon-9"}"#)
        #expect(alias["name"] == "alias")
    }

    @Test func pageAndScreenNamesDefaultToTheirType() {
        #expect(decode(#"{"type":"page","userId":"u"}"#)["name"] == "page")
        #expect(decode(#"{"type":"screen","userId":"u","name":"Home"}"#)["name"] == "Home")
    }

    @Test func mergesBatchContextUnderEventContext() {
        let d = decode(#"{"batch":[{"type":"track","event":"e","userId":"u","context":{"a":2}}],"context":{"a":1,"b":1},"sentAt":"2025-06-01T12:00:00Z"}"#)
        #expect(d["context"] == #"{"a":1,"b":1,"a":2}"#)
        #expect(d["sent_at"] == "2025-06-01 12:00:00.000000+00")
    }

    @Test func sessionIdFallsBackToContextThenProperties() {
        #expect(decode(#"{"type":"track","event":"e","userId":"u","context":{"sessionId":"s1"}}"#)["session_id"] == "s1")
        #expect(decode(#"{"type":"track","event":"e","userId":"u","properties":{"session_id":"s2"}}"#)["session_id"] == "s2")
        #expect(decode(#"{"type":"track","event":"e","userId":"u"}"#)["session_id"] == "\\N")
    }

    @Test func nonUUIDSenderIdsHashToAStableUUIDv8() {
        let a = decode(#"{"type":"system","name":"x","message_id":"order-77"}"#)
        let b = decode(#"{"type":"system","name":"y","id":"order-77"}"#, seed: 7)
        #expect(a["event_id"] == b["event_id"])
        #expect(EventUUID.parse(a["event_id"])!.version == 8)
        #expect(a["message_id"] == "order-77")
        #expect(decode(#"{"type":"system","name":"x","id":12345}"#)["message_id"] == "12345")
    }

    @Test func requestLevelUserAgentAndCountryApplyWhenContextHasNone() {
        let d = decode(#"{"type":"page_view","name":"home"}"#, testContext(transport: .http, userAgent: "curl/8.4.0", country: "fr"))
        #expect(d["transport"] == "http")
        #expect(d["user_agent"] == "curl/8.4.0")
        #expect(d["device_type"] == "bot")
        #expect(d["is_bot"] == "t")
        #expect(d["country"] == "FR")
    }

    @Test func keepsFullAddressWhenAnonymisationIsOff() {
        #expect(decode(#"{"type":"error","name":"x"}"#, testContext(address: "2001:db8::1", anonymise: false))["source_ip"] == "2001:db8::1")
        #expect(decode(#"{"type":"error","name":"x"}"#, testContext(address: "2001:db8:aa:bb::1"))["source_ip"] == "2001:db8:aa::")
        #expect(decode(#"{"type":"error","name":"x"}"#, testContext(address: nil, sourceKey: nil))["source_ip"] == "\\N")
    }

    @Test func pagePathComesFromURLWhenNotGiven() {
        let d = decode(#"{"type":"page_view","name":"p","properties":{"url":"https://a.b/x/y?q=1#f","referrer":"https://r/"}}"#)
        #expect(d["page_url"] == "https://a.b/x/y?q=1#f")
        #expect(d["page_path"] == "/x/y")
        #expect(d["referrer"] == "https://r/")
    }

    @Test func campaignObjectWinsOverQueryParameters() {
        let d = decode(#"{"type":"page","userId":"u","context":{"campaign":{"source":"newsletter","medium":"email","name":"c","term":"t","content":"k"},"page":{"url":"/p?utm_source=x&fbclid=F1"}}}"#)
        #expect([d["utm_source"], d["utm_medium"], d["utm_campaign"], d["utm_term"], d["utm_content"], d["click_id"]]
            == ["newsletter", "email", "c", "t", "k", "F1"])
    }

    @Test func escapedStringsAreDecodedForTextColumns() {
        let d = decode(#"{"type":"user_action","name":"a\nb\u00e9\ud83d\ude00\\","user_id":"x\/y"}"#)
        #expect(d["name"] == "a\\nbé😀\\\\")
        #expect(d["user_id"] == "x/y")
    }
}

@Suite struct PageURLTests {
    @Test func extractsUTMAndClickIDsFromQuery() {
        let d = decode(#"{"type":"page_view","name":"p","properties":{"url":"https://x.io/a?utm_medium=cpc&utm_term=shoes+red&utm_content=%E2%82%AC&msclkid=M1&utm_source=bing#top"}}"#)
        #expect([d["utm_source"], d["utm_medium"], d["utm_campaign"], d["utm_term"], d["utm_content"], d["click_id"]]
            == ["bing", "cpc", "\\N", "shoes red", "€", "M1"])
    }

    @Test func keepsRawValueWhenPercentDecodingIsNotText() {
        let d = decode(#"{"type":"page_view","name":"p","properties":{"url":"/a?utm_source=%FF%00x&gclid="}}"#)
        #expect(d["utm_source"] == "%FF%00x")
        #expect(d["click_id"] == "\\N")
        #expect(d["page_path"] == "/a")
    }

    @Test func findsPathsOfAbsoluteAndRelativeURLs() {
        func path(_ s: String) -> String? {
            var s = s
            return s.withUTF8 { b in PageURL.path(b.baseAddress!, b.count).map { String(decoding: b[$0], as: UTF8.self) } }
        }
        #expect(path("https://a.b/c/d?x") == "/c/d")
        #expect(path("https://a.b") == nil)
        #expect(path("/only/path#frag") == "/only/path")
        #expect(path("android-app://com.x/y") == "/y")
    }
}

import Testing
@testable import EventdCore

@Suite struct RejectReasonTests {
    static let ok = #""type":"user_action","name":"n""#

    @Test func everyReasonHasASnakeCaseCodeAndASentence() {
        for r in RejectReason.allCases {
            #expect(r.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
            #expect(r.humanDescription.hasSuffix("."))
        }
    }

    @Test func malformedJSON() {
        #expect(reason(#"{"type":"user_action","name":"n""#) == .malformedJSON)
        #expect(reason(#"{"type":"user_action",}"#) == .malformedJSON)
        #expect(reason("") == .malformedJSON)
        #expect(reason("{} {}") == .malformedJSON)
        #expect(reason(#"{"a":tru}"#) == .malformedJSON)
        #expect(reason(#"{"a":"x\q"}"#) == .malformedJSON)
        #expect(reason("{\"a\":\"raw\ttab\"}") == .malformedJSON)
        #expect(reason(#"{"a":01}"#) == .malformedJSON)
    }

    @Test func notAnObject() {
        #expect(reason("42") == .notAnObject)
        #expect(reason(#""text""#) == .notAnObject)
        #expect(decode(#"[1]"#).rejections.map(\.reason) == [.notAnObject])
    }

    @Test func missingField() {
        #expect(reason(#"{"name":"n"}"#) == .missingField)
        #expect(reason(#"{"type":"user_action"}"#) == .missingField)
        #expect(reason(#"{"type":"user_action","name":null}"#) == .missingField)
        #expect(reason(#"{"type":"user_action","name":""}"#) == .missingField)
        #expect(reason(#"{"type":"track","userId":"u"}"#) == .missingField)
    }

    @Test func invalidFieldType() {
        #expect(reason(#"{"type":5,"name":"n"}"#) == .invalidFieldType)
        #expect(reason(#"{"type":"user_action","name":["n"]}"#) == .invalidFieldType)
    }

    @Test func invalidEventType() {
        #expect(reason(#"{"type":"click","name":"n"}"#) == .invalidEventType)
        #expect(decode(#"{"type":"click","name":"n"}"#).rejections[0].detail.contains("click"))
    }

    @Test func missingIdentity() {
        #expect(reason(#"{"type":"track","event":"e"}"#) == .missingIdentity)
        #expect(reason(#"{"type":"track","event":"e","userId":""}"#) == .missingIdentity)
    }

    @Test func nameTooLong() {
        let n255 = String(repeating: "é", count: 255)
        #expect(decode(#"{"type":"user_action","name":"\#(n255)"}"#).summary.accepted == 1)
        #expect(reason(#"{"type":"user_action","name":"\#(n255)x"}"#) == .nameTooLong)
    }

    @Test func fieldTooLong() {
        let long = String(repeating: "a", count: 256)
        #expect(reason(#"{\#(Self.ok),"user_id":"\#(long)"}"#) == .fieldTooLong)
        #expect(reason(#"{\#(Self.ok),"session_id":"\#(long)"}"#) == .fieldTooLong)
        #expect(reason(#"{\#(Self.ok),"message_id":"\#(long)"}"#) == .fieldTooLong)
    }

    @Test func invalidTimestamp() {
        #expect(reason(#"{\#(Self.ok),"timestamp":"yesterday"}"#) == .invalidTimestamp)
        #expect(reason(#"{\#(Self.ok),"timestamp":1717243200}"#) == .invalidTimestamp)
        #expect(reason(#"{\#(Self.ok),"sent_at":"2025-02-29T00:00:00Z"}"#) == .invalidTimestamp)
    }

    @Test func timestampOutOfRange() {
        #expect(reason(#"{\#(Self.ok),"timestamp":"2025-06-01T13:00:01Z"}"#) == .timestampOutOfRange)
        #expect(decode(#"{\#(Self.ok),"timestamp":"2025-06-01T13:00:00Z"}"#).summary.accepted == 1)
        #expect(reason(#"{\#(Self.ok),"timestamp":"2025-05-01T11:59:59Z"}"#) == .timestampOutOfRange)
        var limits = IngestLimits()
        limits.maxFutureMicros = 0
        #expect(reason(#"{\#(Self.ok),"timestamp":"2025-06-01T12:00:00.000001Z"}"#, testContext(limits: limits)) == .timestampOutOfRange)
    }

    @Test func propertiesAndContextMustBeObjects() {
        #expect(reason(#"{\#(Self.ok),"properties":[1]}"#) == .propertiesNotObject)
        #expect(reason(#"{"type":"identify","userId":"u","traits":"x"}"#) == .propertiesNotObject)
        #expect(reason(#"{\#(Self.ok),"context":"web"}"#) == .contextNotObject)
        #expect(decode(#"{\#(Self.ok),"properties":null,"context":null}"#)["properties"] == "{}")
    }

    @Test func tooDeep() {
        let deep31 = String(repeating: "[", count: 31) + String(repeating: "]", count: 31)
        let deep32 = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(decode(#"{\#(Self.ok),"properties":{"a":\#(deep31.dropFirst().dropLast())}}"#).summary.accepted == 1)
        #expect(reason(#"{\#(Self.ok),"properties":{"a":\#(deep31)}}"#) == .tooDeep)
        #expect(reason(#"{\#(Self.ok),"properties":{"a":\#(deep32)}}"#) == .tooDeep)
        let hostile = String(repeating: "[", count: 20_000)  // stays under the size limit, so depth is what fails
        #expect(reason(#"{\#(Self.ok),"properties":{"a":\#(hostile)}}"#) == .tooDeep)
    }

    @Test func eventAndBatchTooLarge() {
        var limits = IngestLimits()
        limits.maxEventBytes = 100
        limits.maxBatchBytes = 300
        let pad = String(repeating: "x", count: 80)
        #expect(reason(#"{\#(Self.ok),"properties":{"p":"\#(pad)"}}"#, testContext(limits: limits)) == .eventTooLarge)
        let big = "[" + Array(repeating: #"{\#(Self.ok)}"#, count: 20).joined(separator: ",") + "]"
        #expect(reason(big, testContext(limits: limits)) == .batchTooLarge)
    }

    @Test func tooManyEvents() {
        var limits = IngestLimits()
        limits.maxEventsPerBatch = 2
        let three = #"{"batch":[{\#(Self.ok)},{\#(Self.ok)},{\#(Self.ok)}]}"#
        let d = decode(three, testContext(limits: limits))
        #expect(d.rejections.map(\.reason) == [.tooManyEvents])
        #expect(d.rows.isEmpty && d.summary == DecodeSummary(rejected: 1))
        #expect(decode(#"{"batch":[{\#(Self.ok)},{\#(Self.ok)}]}"#, testContext(limits: limits)).summary.accepted == 2)
    }

    @Test func invalidUTF8() {
        var bytes = Array(#"{"type":"user_action","name":"n","properties":{"a":"x"#.utf8)
        bytes += [0xC3, 0x28]  // bad continuation
        bytes += Array(#""}}"#.utf8)
        #expect(decodeBytes(bytes).rejections.map(\.reason) == [.invalidUTF8])
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82]] {
            let text = Array(#"{"type":"user_action","name":""#.utf8) + bad + Array(#""}"#.utf8)
            #expect(decodeBytes(text).rejections.map(\.reason) == [.invalidUTF8])
        }
        #expect(decode(#"{"type":"user_action","name":"€𝄞é"}"#).summary.accepted == 1)
    }

    @Test func invalidNumber() {
        #expect(decode(#"{\#(Self.ok),"properties":{"a":1e1000,"b":-1.5E-1000}}"#).summary.accepted == 1)
        #expect(reason(#"{\#(Self.ok),"properties":{"a":1e1001}}"#) == .invalidNumber)
        #expect(reason(#"{\#(Self.ok),"properties":{"a":1E-99999999999999999999}}"#) == .invalidNumber)
        let digits = String(repeating: "9", count: 1001)
        #expect(reason(#"{\#(Self.ok),"properties":{"a":\#(digits)}}"#) == .invalidNumber)
    }

    @Test func invalidID() {
        #expect(reason(#"{\#(Self.ok),"messageId":{"x":1}}"#) == .invalidID)
        #expect(reason(#"{\#(Self.ok),"user_id":true}"#) == .invalidID)
    }

    @Test func rejectedRowCarriesReasonIndexAndBoundedRawBytes() {
        let d = decode(#"{"batch":[{"type":"nope","name":"n","messageId":"m-1"}]}"#)
        let cols = d.rejectedRows[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        #expect(cols.count == 11)
        #expect(EventUUID.parse(cols[10]) != nil, "the rejection_id column")
        #expect(cols[0] == "2025-06-01 12:00:00.000000+00")
        #expect(Array(cols[1...4]) == ["tcp", "203.0.113.0", "web", "invalid_event_type"])
        #expect(cols[6] == "m-1" && cols[7] == "0")
        #expect(cols[8].hasPrefix("\\\\x7b2274797065"))
        #expect(cols[9] == "\(#"{"type":"nope","name":"n","messageId":"m-1"}"#.utf8.count)")
        let huge = #"{"type":"nope","p":""# + String(repeating: "y", count: 20_000) + #""}"#
        let h = decode(huge).rejectedRows[0].split(separator: "\t").map(String.init)
        #expect(h[8].count == 3 + 2 * 8192)
        #expect(h[9] == "\(huge.utf8.count)")
    }
}

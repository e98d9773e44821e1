import Testing
@testable import EventdCore

@Suite struct BatchDecodingTests {
    @Test func oneBadElementDoesNotCostItsNeighbours() {
        let text = #"""
        {"writeKey":"k","sentAt":"2025-06-01T12:00:00Z","batch":[
          {"type":"track","event":"ok1","userId":"u","messageId":"m0"},
          {"type":"track","event":"bad","messageId":"m1"},
          {"type":"track","event":"x","userId":"u","messageId":"m2","properties":{"a":tru}},
          "just a string",
          {"type":"track","event":"ok2","userId":"u","messageId":"m4"}
        ]}
        """#
        let d = decode(text)
        #expect(d.summary == DecodeSummary(accepted: 2, rejected: 3))
        #expect(d.rows.map { $0.split(separator: "\t")[3] } == ["ok1", "ok2"])
        #expect(d.rejections.map(\.index) == [1, 2, 3])
        #expect(d.rejections.map(\.messageId) == ["m1", "m2", nil])
        #expect(d.rejections.map(\.reason) == [.missingIdentity, .malformedJSON, .notAnObject])
        let raw = Array(text.utf8)
        let r = d.rejections[1].rawRange
        #expect(String(decoding: raw[r], as: UTF8.self) == #"{"type":"track","event":"x","userId":"u","messageId":"m2","properties":{"a":tru}}"#)
        #expect(d.buffer.rowStarts.count == 2 && d.buffer.rowRange(1).upperBound == d.buffer.count)
    }

    @Test func oversizeAndInvalidElementsAreSkippedIndividually() {
        var limits = IngestLimits()
        limits.maxEventBytes = 80
        let big = #"{"type":"user_action","name":"n","properties":{"p":"\#(String(repeating: "z", count: 100))"}}"#
        var bytes = Array(#"[{"type":"user_action","name":"a"},"#.utf8) + Array(big.utf8)
        bytes += Array(#",{"type":"user_action","name":"b"#.utf8) + [0xFF] + Array(#""},{"type":"user_action","name":"c"}]"#.utf8)
        let d = decodeBytes(bytes, testContext(limits: limits))
        #expect(d.summary == DecodeSummary(accepted: 2, rejected: 2))
        #expect(d.rejections.map(\.reason) == [.eventTooLarge, .invalidUTF8])
        #expect(d.rejections.map(\.index) == [1, 2])
    }

    @Test func brokenArrayRejectsTheWholeTextOnce() {
        let d = decode(#"{"batch":[{"type":"user_action","name":"a"} {"type":"user_action","name":"b"}]}"#)
        #expect(d.summary == DecodeSummary(rejected: 1) && d.rows.isEmpty)
        #expect(d.rejections.map(\.reason) == [.malformedJSON])
        #expect(reason(#"{"batch":[{"type":"user_action","name":"a"},]}"#) == .malformedJSON)
        #expect(reason(#"{"batch":[{"type":"user_action","name":"a"}"#) == .malformedJSON)
    }

    @Test func emptyBatchAndBareArraysWork() {
        #expect(decode(#"{"batch":[]}"#).summary == DecodeSummary())
        let d = decode(#" [ {"type":"user_action","name":"a"} , {"type":"conversion","name":"b"} ] "#)
        #expect(d.summary.accepted == 2)
        #expect(d.buffer.rowCount == 2)
    }

    @Test func batchSentAtCorrectsEachEventsClock() {
        let d = decode(#"{"sentAt":"2025-06-01T11:00:00Z","batch":[{"type":"track","event":"e","userId":"u","timestamp":"2025-06-01T10:59:00Z"}]}"#)
        #expect(d["occurred_at"] == "2025-06-01 11:59:00.000000+00")
        #expect(d["original_timestamp"] == "2025-06-01 10:59:00.000000+00")
    }

    @Test func bufferTracksOccurredAtBounds() {
        let d = decode(#"[{"type":"system","name":"a","timestamp":"2025-06-01T11:00:00Z"},{"type":"system","name":"b","timestamp":"2025-06-01T11:30:00Z"}]"#)
        #expect(d.buffer.minOccurredAt == Timestamp.parseISO8601("2025-06-01T11:00:00Z"))
        #expect(d.buffer.maxOccurredAt == Timestamp.parseISO8601("2025-06-01T11:30:00Z"))
    }
}

@Suite struct BatchContextTests {
    @Test func longEscapedBatchContextStringsFitTheScratchArea() {
        let ua = String(repeating: #"\u00e9"#, count: 3000)
        let d = decode(#"{"context":{"userAgent":"\#(ua)"},"batch":[{"type":"system","name":"a"}]}"#)
        #expect(d.summary.accepted == 1)
        #expect(d["user_agent"] == String(repeating: "é", count: 3000))
    }
}

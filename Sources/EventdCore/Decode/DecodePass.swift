/// The state of one `EventDecoder.decode` call: the input, the outputs, and the top-level walk
/// (single event vs batch, refusing whole texts). Per-event work is in `DecodePass+Event.swift`.
struct DecodePass {
    let base: UnsafePointer<UInt8>
    let count: Int
    let context: IngestContext
    let events: RowBuffer
    let rejectedOut: RowBuffer
    let scratch: DecoderScratch
    var generator: UUIDv7Generator
    var rejections: [Rejection]
    /// The vendor's own bytes when `base` is an adapter's rewriting (refusals keep those as `raw`).
    let sender: SenderBytes?
    var summary = DecodeSummary()
    /// Whether a batch object may be decoded in one pass (off only in tests: `testOnly_twoPassOnly`).
    var onePass = true

    var limits: IngestLimits { context.limits }

    mutating func run() {
        let eventsMark = events.mark
        let rejectedMark = rejectedOut.mark
        var i = 0
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }  // UTF-8 BOM
        while i < count, isJSONWhitespace(base[i]) { i += 1 }
        guard count <= limits.maxBatchBytes else {
            return rejectWhole(.batchTooLarge, "The text is \(count) bytes; the limit is \(limits.maxBatchBytes).")
        }
        guard i < count else { return rejectWhole(.malformedJSON, "The text holds no JSON value.") }
        switch base[i] {
        case 0x7B:
            if onePass, mayBeOnePassBatch(from: i), runObjectInOnePass(from: i, eventsMark: eventsMark, rejectedMark: rejectedMark) {
                return
            }
            scratch.clear(scratch.eventSlots)
            scratch.clear(scratch.batchSlots)
            var s = JSONScanner(base: base, start: i, end: count, maxDepth: limits.maxDepth)
            let flags: UInt8
            do {
                flags = try s.scanRecording(depth: 1, scheme: .event, slots: scratch.eventSlots, skipBatch: true)
                s.skipWhitespace()
            } catch {
                if count > limits.maxEventBytes {
                    return rejectEvent(.eventTooLarge, sizeDetail(count), index: nil, range: 0..<count)
                }
                if error == .malformed { return rejectWhole(.malformedJSON, "The text is not valid JSON (near byte \(s.pos)).") }
                return rejectEvent(error.reason, scanDetail(error, at: s.pos - i), index: nil, range: 0..<count)
            }
            guard s.atEnd else { return rejectWhole(.malformedJSON, "Unexpected bytes after the JSON value at byte \(s.pos).") }
            let batch = scratch.eventSlots[EventSlot.batch.rawValue]
            if batch.kind == .array {
                let top = scratch.eventSlots  // the batch object's own fields become the batch slots
                scratch.eventSlots = scratch.batchSlots
                scratch.batchSlots = top
                runBatch(Int(batch.start), Int(batch.end), eventsMark: eventsMark, rejectedMark: rejectedMark)
            } else if count > limits.maxEventBytes {
                rejectEvent(.eventTooLarge, sizeDetail(count), index: nil, range: 0..<count)
            } else {
                encodeEvent(index: nil, range: 0..<count, flags: flags)
            }
        case 0x5B:
            scratch.clear(scratch.batchSlots)
            guard let e = JSONSkipper.valueEnd(base, start: i, end: count) else {
                return rejectWhole(.malformedJSON, "The JSON array never ends.")
            }
            var j = e
            while j < count, isJSONWhitespace(base[j]) { j += 1 }
            guard j == count else { return rejectWhole(.malformedJSON, "Unexpected bytes after the JSON value at byte \(j).") }
            runBatch(i, e, eventsMark: eventsMark, rejectedMark: rejectedMark)
        default:
            var s = JSONScanner(base: base, start: i, end: count, maxDepth: limits.maxDepth)
            if (try? s.scanValue(depth: 1)) != nil {
                s.skipWhitespace()
                if s.atEnd { return rejectWhole(.notAnObject, "The text is a JSON value but not an object or a batch.") }
            }
            rejectWhole(.malformedJSON, "The text is not valid JSON.")
        }
    }

    /// Walks the elements of the batch array `start..<end` (`base[start] == '['`, `base[end-1] == ']'`).
    mutating func runBatch(_ start: Int, _ end: Int, eventsMark: RowBuffer.Mark, rejectedMark: RowBuffer.Mark) {
        if case .refused(let reason, let detail) = walkBatch(start, close: end - 1) {
            events.rollback(to: eventsMark)
            rejectedOut.rollback(to: rejectedMark)
            rejectWhole(reason, detail)
        }
    }

    /// How a walk over a batch array ended.
    enum BatchWalk {
        /// At its closing bracket; the index after it.
        case closed(Int)
        /// The whole text is refused: whatever the walk encoded must be rolled back.
        case refused(RejectReason, String)
        /// Only without a known `close`: an element that is not a strictly valid object, or the array
        /// does not end as it should. Its extent is only structural, so the one pass gives way to the
        /// two-pass walk, which decides (`runObjectInOnePass`).
        case unsure
    }

    /// Encodes or refuses each element of the batch array at `start` (`base[start] == '['`).
    /// `close` is where its `]` is, when a structural skip has found it; without it the walk finds
    /// the bracket itself, and answers `.unsure` wherever the two walks could differ.
    mutating func walkBatch(_ start: Int, close: Int?) -> BatchWalk {
        let limit = close ?? count
        @inline(__always) func skipWS(_ p: inout Int) {
            while p < limit, isJSONWhitespace(base[p]) { p += 1 }
        }
        // With a known close, only that `]` ends the array (a `]` earlier would be inside a skipped element).
        @inline(__always) func atClose(_ p: Int) -> Bool {
            if let close { return p == close }
            return p < limit && base[p] == 0x5D
        }
        var p = start + 1
        skipWS(&p)
        if atClose(p) { return .closed(p + 1) }
        var index = 0
        while true {
            guard p < limit else { return .unsure }
            if index >= limits.maxEventsPerBatch {
                guard close != nil else { return .unsure }
                return .refused(.tooManyEvents, "The batch holds more than \(limits.maxEventsPerBatch) events.")
            }
            let elemStart = p
            var elemEnd: Int
            if base[p] == 0x7B {
                scratch.clear(scratch.eventSlots)
                // Bounding the strict scan at the size limit keeps a huge element from being validated in full.
                var s = JSONScanner(base: base, start: p, end: min(limit, p + limits.maxEventBytes), maxDepth: limits.maxDepth)
                do {
                    let flags = try s.scanRecording(depth: 1, scheme: .event, slots: scratch.eventSlots)
                    elemEnd = s.pos
                    encodeEvent(index: index, range: elemStart..<elemEnd, flags: flags)
                } catch {
                    guard let close else { return .unsure }
                    guard let e = JSONSkipper.valueEnd(base, start: elemStart, end: close) else {
                        return .refused(.malformedJSON, "Batch element \(index) never ends.")
                    }
                    elemEnd = e
                    if e - elemStart > limits.maxEventBytes {
                        rejectEvent(.eventTooLarge, sizeDetail(e - elemStart), index: index, range: elemStart..<e)
                    } else {
                        rejectEvent(error.reason, scanDetail(error, at: s.pos - elemStart), index: index, range: elemStart..<e)
                    }
                }
            } else {
                guard let close else { return .unsure }
                guard let e = JSONSkipper.valueEnd(base, start: elemStart, end: close), e > elemStart else {
                    return .refused(.malformedJSON, "Batch element \(index) is not valid JSON.")
                }
                elemEnd = e
                scratch.clear(scratch.eventSlots)
                rejectEvent(.notAnObject, "Batch element \(index) is not a JSON object.", index: index, range: elemStart..<e)
            }
            p = elemEnd
            skipWS(&p)
            if atClose(p) { return .closed(p + 1) }
            guard p < limit, base[p] == 0x2C else {
                guard close != nil else { return .unsure }
                return .refused(.malformedJSON, "Expected a comma after batch element \(index).")
            }
            p += 1
            skipWS(&p)
            index += 1
            if atClose(p) {  // trailing comma
                guard close != nil else { return .unsure }
                return .refused(.malformedJSON, "The batch array ends with a comma.")
            }
        }
    }

    func sizeDetail(_ n: Int) -> String { "The event is \(n) bytes; the limit is \(limits.maxEventBytes)." }

    func scanDetail(_ f: ScanFailure, at offset: Int) -> String {
        switch f {
        case .malformed: "The event is not valid JSON (near byte \(offset) of the event)."
        case .invalidUTF8: "The event holds invalid UTF-8 (near byte \(offset) of the event)."
        case .invalidNumber: "A number near byte \(offset) of the event has an exponent beyond ±1000 or more than 1000 characters."
        case .tooDeep: "The event nests objects/arrays deeper than \(limits.maxDepth) levels."
        }
    }

    // MARK: - Refusals

    /// Refuses one event; records the sender's id when the scan reached it.
    mutating func rejectEvent(_ reason: RejectReason, _ detail: String, index: Int?, range: Range<Int>) {
        let r = Rejection(index: index, messageId: senderID(), reason: reason, detail: detail, rawRange: range)
        record(r)
    }

    /// Refuses the whole text: anything of it already encoded is rolled back by the caller.
    mutating func rejectWhole(_ reason: RejectReason, _ detail: String) {
        rejections.removeAll(keepingCapacity: true)
        summary = DecodeSummary()
        record(Rejection(index: nil, messageId: nil, reason: reason, detail: detail, rawRange: 0..<count))
    }

    private mutating func record(_ r: Rejection) {
        rejections.append(r)
        summary.rejected += 1
        if let sender {
            let range = sender.range(forIndex: r.index)
            sender.bytes.withUnsafeBytes {
                CopyRowEncoder.appendRejection(r, raw: UnsafeRawBufferPointer(rebasing: $0[range]), context: context, to: rejectedOut)
            }
            return
        }
        CopyRowEncoder.appendRejection(
            r, raw: UnsafeRawBufferPointer(start: base + r.rawRange.lowerBound, count: r.rawRange.count),
            context: context, to: rejectedOut)
    }

    /// The sender's id as a String (refusal path only).
    func senderID() -> String? {
        let s = scratch.eventSlots
        for slot in [EventSlot.messageId, .messageIdSnake, .eventIdSnake, .id] {
            let v = s[slot.rawValue]
            guard v.kind == .string || v.kind == .number else { continue }
            let start = v.kind == .string ? v.contentStart : Int(v.start)
            let n = v.kind == .string ? v.contentCount : v.count
            let tmp = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
            defer { tmp.deallocate() }
            let m = v.hasEscapes ? JSONString.decode(base + start, count: n, into: tmp) : n
            if !v.hasEscapes { tmp.update(from: base + start, count: n) }
            return String(decoding: UnsafeBufferPointer(start: tmp, count: m), as: UTF8.self)
        }
        return nil
    }
}

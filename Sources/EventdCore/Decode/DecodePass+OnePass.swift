/// A `{"batch":[…]}` text in one pass. The two-pass walk (`run`) first steps over the batch array
/// structurally to learn the batch object's own fields (`context`, `sentAt`), then scans each
/// element strictly: every batch byte is read twice. When the batch array is the object's last
/// member, or only members the events do not read follow it (Segment's `"writeKey"`), the fields
/// the events need have all been seen by the time the array starts, so its elements can be scanned
/// and encoded as the object's scan reaches them.
///
/// Measured (callgrind, 100-event batches, 2026-11-25): the structural step was ~2.3 k of 15.9 k
/// instructions per event; see `Benchmarks/RESULTS.md`, issue 17, for this change's effect.
extension DecodePass {
    /// The most bytes after a batch array that `mayBeOnePassBatch` looks at (Segment's
    /// `,"writeKey":"…"` is some 40).
    static let maxTrailingBytes = 256

    /// Whether the text at `start` (on `{`) is worth trying in one pass: it ends as a batch object
    /// whose array is its last member (`]` then `}`), or its first member is `"batch":[` and the
    /// members after the text's last `]` (Segment's `"writeKey"`) name none of the fields the events
    /// read: `context`, `sentAt`, `sent_at`, `batch`. Only a guess at what pays — the one pass itself
    /// gives way to the two-pass walk wherever their outcomes could differ — kept cheap for single
    /// events, which the two-pass walk scans once anyway.
    func mayBeOnePassBatch(from start: Int) -> Bool {
        var j = count - 1
        while j > start, isJSONWhitespace(base[j]) { j -= 1 }
        guard j > start, base[j] == 0x7D else { return false }
        var k = j - 1
        while k > start, isJSONWhitespace(base[k]) { k -= 1 }
        if k > start, base[k] == 0x5D { return true }
        guard startsWithBatchArray(from: start) else { return false }
        let lowest = max(start + 1, j - Self.maxTrailingBytes)
        while k >= lowest, base[k] != 0x5D { k -= 1 }
        guard k >= lowest else { return false }
        @inline(__always) func named(_ q: Int, _ key: StaticString) -> Bool {
            let n = key.utf8CodeUnitCount
            return q + 1 + n < j && base[q + 1 + n] == 0x22 && memcmpEqual(base + q + 1, key.utf8Start, n)
        }
        for q in k + 1 ..< j where base[q] == 0x22 {
            if named(q, "context") || named(q, "sentAt") || named(q, "sent_at") || named(q, "batch") { return false }
        }
        return true
    }

    /// Whether the object at `start` opens with `"batch"` `:` `[` (whitespace allowed between).
    private func startsWithBatchArray(from start: Int) -> Bool {
        var i = start + 1
        @inline(__always) func skipWS() { while i < count, isJSONWhitespace(base[i]) { i += 1 } }
        skipWS()
        let key: StaticString = "\"batch\""
        guard i + key.utf8CodeUnitCount <= count, memcmpEqual(base + i, key.utf8Start, key.utf8CodeUnitCount) else { return false }
        i += key.utf8CodeUnitCount
        skipWS()
        guard i < count, base[i] == 0x3A else { return false }
        i += 1
        skipWS()
        return i < count && base[i] == 0x5B
    }

    /// Decodes the object at `start` in one pass: the batch's events as its scan reaches the array,
    /// or the object as one event when it holds no batch array. Returns false — having rolled back
    /// everything it wrote and counted — wherever the outcome could differ from the two-pass walk's:
    /// the object or its array is not well formed, an element is not a strictly valid object, the
    /// batch is over its event limit, or a field the events read (`context`, `sentAt`, `sent_at`,
    /// another `batch`) comes after the array. The caller then takes the two-pass walk, which
    /// decides every refusal exactly as before.
    mutating func runObjectInOnePass(from start: Int, eventsMark: RowBuffer.Mark, rejectedMark: RowBuffer.Mark) -> Bool {
        guard limits.maxDepth >= 1 else { return false }
        let savedGenerator = generator
        let top = scratch.batchSlots
        scratch.clear(top)
        var s = JSONScanner(base: base, start: start + 1, end: count, maxDepth: limits.maxDepth)
        var walked = false
        var flags: UInt8 = 0
        do throws(ScanFailure) {
            s.skipWhitespace()
            guard !s.atEnd, s.current != 0x7D else { return false }  // `{}`: the two-pass walk refuses it
            repeat {
                guard let slot = try s.scanMemberKey(.event, flags: &flags) else {
                    flags |= try s.scanValue(depth: 2).flags
                    continue
                }
                if slot == .batch, s.current == 0x5B {
                    guard !walked, case .closed(let e) = walkBatch(s.pos, close: nil) else {
                        return undoOnePass(eventsMark, rejectedMark, savedGenerator)
                    }
                    top[slot.rawValue] = JSONValueRef(start: Int32(s.pos), end: Int32(e), kind: .array, flags: 0)
                    s.pos = e
                    walked = true
                } else {
                    if walked, slot == .context || slot == .sentAt || slot == .sentAtSnake || slot == .batch {
                        return undoOnePass(eventsMark, rejectedMark, savedGenerator)
                    }
                    flags |= try s.recordValue(of: slot, depth: 2, slots: top)
                }
            } while try s.scanMemberEnd()
            s.skipWhitespace()
        } catch {
            return undoOnePass(eventsMark, rejectedMark, savedGenerator)
        }
        guard s.atEnd else { return undoOnePass(eventsMark, rejectedMark, savedGenerator) }
        if walked { return true }
        // One event: its fields were recorded as the batch object's; they become the event's.
        scratch.batchSlots = scratch.eventSlots
        scratch.eventSlots = top
        scratch.clear(scratch.batchSlots)
        if count > limits.maxEventBytes {
            rejectEvent(.eventTooLarge, sizeDetail(count), index: nil, range: 0..<count)
        } else {
            encodeEvent(index: nil, range: 0..<count, flags: flags & JSONValueRef.needsSanitizing)
        }
        return true
    }

    /// Forgets what a one pass wrote and counted (rows, refusals, ids drawn). Returns false.
    private mutating func undoOnePass(
        _ eventsMark: RowBuffer.Mark, _ rejectedMark: RowBuffer.Mark, _ savedGenerator: UUIDv7Generator
    ) -> Bool {
        events.rollback(to: eventsMark)
        rejectedOut.rollback(to: rejectedMark)
        rejections.removeAll(keepingCapacity: true)
        summary = DecodeSummary()
        generator = savedGenerator
        return false
    }
}

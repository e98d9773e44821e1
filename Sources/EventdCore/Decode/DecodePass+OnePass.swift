/// A `{"batch":[…]}` text in one pass. The two-pass walk (`run`) first steps over the batch array
/// structurally to learn the batch object's own fields (`context`, `sentAt`), then scans each
/// element strictly: every batch byte is read twice. When the batch array is the object's last
/// member, the fields the events need have all been seen by the time the array starts, so its
/// elements can be scanned and encoded as the object's scan reaches them.
///
/// Measured (callgrind, 100-event batches, 2026-11-25): the structural step was ~2.3 k of 15.9 k
/// instructions per event; see `Benchmarks/RESULTS.md`, issue 17, for this change's effect.
extension DecodePass {
    /// Whether the text ends as a batch object whose array is its last member does (`]` then `}`,
    /// whitespace around them allowed): the texts worth trying in one pass.
    func endsLikeBatchObject(from start: Int) -> Bool {
        @inline(__always) func isWS(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        var j = count - 1
        while j > start, isWS(base[j]) { j -= 1 }
        guard j > start, base[j] == 0x7D else { return false }
        j -= 1
        while j > start, isWS(base[j]) { j -= 1 }
        return j > start && base[j] == 0x5D
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

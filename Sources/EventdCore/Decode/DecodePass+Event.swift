/// A span of text bytes (raw JSON string content without escapes, or decoded into scratch).
struct TextSpan {
    let p: UnsafePointer<UInt8>
    let n: Int
}

extension DecodePass {
    @inline(__always) func e(_ s: EventSlot) -> JSONValueRef { scratch.eventSlots[s.rawValue] }
    @inline(__always) func b(_ s: EventSlot) -> JSONValueRef { scratch.batchSlots[s.rawValue] }

    /// The first of the event's slots that holds a non-null value.
    @inline(__always) func first(_ a: EventSlot, _ b: EventSlot) -> JSONValueRef {
        let x = e(a)
        return x.isPresent ? x : e(b)
    }

    /// The text of a validated string value: its raw bytes when it has no escapes (the common
    /// case, zero copy), else decoded into the scratch bump area.
    @inline(__always) func text(_ v: JSONValueRef) -> TextSpan {
        if !v.hasEscapes { return TextSpan(p: base + v.contentStart, n: v.contentCount) }
        let dst = scratch.takeText(v.contentCount)
        return TextSpan(p: dst, n: JSONString.decode(base + v.contentStart, count: v.contentCount, into: dst))
    }

    /// Text of an id-like field: strings (empty ⇒ absent) and numbers (their digits) are accepted.
    enum IDResult { case absent, text(TextSpan), invalid, tooLong }

    @inline(__always) func idField(_ v: JSONValueRef) -> IDResult {
        let t: TextSpan
        switch v.kind {
        case .absent, .null: return .absent
        case .string:
            t = text(v)
            if t.n == 0 { return .absent }
        case .number: t = TextSpan(p: base + Int(v.start), n: v.count)
        default: return .invalid
        }
        if t.n > IngestLimits.maxIDCharacters, JSONString.characterCount(t.p, t.n) > IngestLimits.maxIDCharacters {
            return .tooLong
        }
        return .text(t)
    }

    /// Validates the event in `scratch.eventSlots` (the object at `range`) and appends its row,
    /// or refuses it. `flags` are the scan flags of the whole event object.
    mutating func encodeEvent(index: Int?, range: Range<Int>, flags: UInt8) {
        // Strings decoded for this row come from the event or from the batch object's context/sentAt.
        scratch.prepareText(forEventBytes: range.count + b(.context).count + b(.sentAt).count + b(.sentAtSnake).count)

        // type
        let typeRef = e(.type)
        guard typeRef.isPresent else { return rejectEvent(.missingField, "The event has no \"type\".", index: index, range: range) }
        guard typeRef.kind == .string else {
            return rejectEvent(.invalidFieldType, "\"type\" must be a string.", index: index, range: range)
        }
        guard !typeRef.hasEscapes, let type = EventType.match(base + typeRef.contentStart, typeRef.contentCount) else {
            let t = text(typeRef)
            let shown = String(decoding: UnsafeBufferPointer(start: t.p, count: min(t.n, 64)), as: UTF8.self)
            return rejectEvent(.invalidEventType, "\"type\" \"\(shown)\" is not an accepted event type.", index: index, range: range)
        }

        // name
        var name: TextSpan?
        var fixedName: StaticString = "track"
        let nameRef: JSONValueRef
        switch type {
        case .track: nameRef = first(.event, .name)
        case .page, .screen: nameRef = e(.name); fixedName = type.staticText
        case .identify, .group, .alias: nameRef = .absent; fixedName = type.staticText
        default: nameRef = e(.name)
        }
        if nameRef.isPresent {
            guard nameRef.kind == .string else {
                return rejectEvent(.invalidFieldType, "The event name must be a string.", index: index, range: range)
            }
            let t = text(nameRef)
            let chars = JSONString.characterCount(t.p, t.n)
            if chars == 0 { return rejectEvent(.missingField, "The event name is empty.", index: index, range: range) }
            if chars > IngestLimits.maxNameCharacters {
                return rejectEvent(.nameTooLong, "The event name has \(chars) characters; the limit is 255.", index: index, range: range)
            }
            name = t
        } else if !type.isSegment || type == .track {
            let field = type == .track ? "\"event\"" : "\"name\""
            return rejectEvent(.missingField, "The event has no \(field).", index: index, range: range)
        }

        // ids
        var ids: (message: TextSpan?, user: TextSpan?, anonymous: TextSpan?, session: TextSpan?) = (nil, nil, nil, nil)
        var messageRef = first(.messageId, .messageIdSnake)
        if !messageRef.isPresent { messageRef = first(.eventIdSnake, .id) }
        var sessionRef = first(.sessionIdSnake, .sessionIdCamel)
        if !sessionRef.isPresent { sessionRef = contextValue(.contextSessionId) }
        if !sessionRef.isPresent { sessionRef = e(.propertiesSessionId) }
        // Written out rather than looped over an array of tuples: array literals here cost a heap
        // allocation per event (seen in callgrind).
        switch idField(messageRef) {
        case .absent: break
        case .text(let t): ids.message = t
        case .invalid: return rejectEvent(.invalidID, "messageId must be a string or a number.", index: index, range: range)
        case .tooLong: return rejectEvent(.fieldTooLong, "messageId is longer than 255 characters.", index: index, range: range)
        }
        switch idField(first(.userId, .userIdSnake)) {
        case .absent: break
        case .text(let t): ids.user = t
        case .invalid: return rejectEvent(.invalidID, "userId must be a string or a number.", index: index, range: range)
        case .tooLong: return rejectEvent(.fieldTooLong, "userId is longer than 255 characters.", index: index, range: range)
        }
        switch idField(first(.anonymousId, .anonymousIdSnake)) {
        case .absent: break
        case .text(let t): ids.anonymous = t
        case .invalid: return rejectEvent(.invalidID, "anonymousId must be a string or a number.", index: index, range: range)
        case .tooLong: return rejectEvent(.fieldTooLong, "anonymousId is longer than 255 characters.", index: index, range: range)
        }
        switch idField(sessionRef) {
        case .absent: break
        case .text(let t): ids.session = t
        case .invalid: return rejectEvent(.invalidID, "The session id must be a string or a number.", index: index, range: range)
        case .tooLong: return rejectEvent(.fieldTooLong, "The session id is longer than 255 characters.", index: index, range: range)
        }
        if type.isSegment, ids.user == nil, ids.anonymous == nil {
            return rejectEvent(.missingIdentity, "A \(type.rawValue) event needs a userId or an anonymousId.", index: index, range: range)
        }

        // properties / context
        var props = e(.properties)
        if type == .identify || type == .group, e(.traits).isPresent { props = e(.traits) }
        if props.isPresent, props.kind != .object {
            return rejectEvent(.propertiesNotObject, "properties (or traits) must be a JSON object.", index: index, range: range)
        }
        let ctx = e(.context)
        let batchCtx = b(.context)
        if (ctx.isPresent && ctx.kind != .object) || (batchCtx.isPresent && batchCtx.kind != .object) {
            return rejectEvent(.contextNotObject, "context must be a JSON object.", index: index, range: range)
        }

        // timestamps and skew correction
        let receivedAt = context.receivedAt
        var claimed: Int64?
        var sentAt: Int64?
        let tsRef = first(.originalTimestamp, .timestamp)
        if tsRef.isPresent {
            guard let t = parseTime(tsRef) else {
                return rejectEvent(.invalidTimestamp, "timestamp is not an ISO-8601 date-time.", index: index, range: range)
            }
            claimed = t
        }
        var sentRef = first(.sentAt, .sentAtSnake)
        if !sentRef.isPresent { sentRef = b(.sentAt).isPresent ? b(.sentAt) : b(.sentAtSnake) }
        if sentRef.isPresent {
            guard let t = parseTime(sentRef) else {
                return rejectEvent(.invalidTimestamp, "sentAt is not an ISO-8601 date-time.", index: index, range: range)
            }
            sentAt = t
        }
        let occurredAt = SkewCorrection.occurredAt(timestamp: claimed, sentAt: sentAt, receivedAt: receivedAt)
        if occurredAt > receivedAt + limits.maxFutureMicros || occurredAt < receivedAt - limits.maxPastMicros {
            return rejectEvent(
                .timestampOutOfRange,
                "The corrected event time \(Timestamp.formatted(min(max(occurredAt, Timestamp.minMicros), Timestamp.maxMicros))) is outside the accepted window around its receipt.",
                index: index, range: range)
        }

        // event_id: sender's UUID, else a stable UUIDv8 of the sender's id, else a fresh UUIDv7.
        let eventID: EventUUID
        var canonicalID: UnsafePointer<UInt8>?  // the sender's id when it is already eventID's text
        if let m = ids.message {
            if let parsed = EventUUID.parse(m.p, count: m.n) {
                eventID = parsed
                if EventUUID.isCanonicalText(m.p, count: m.n) { canonicalID = m.p }
            } else {
                eventID = EventUUID.v8(hashing: m.p, count: m.n)
            }
        } else {
            eventID = generator.next(nowMicros: receivedAt)
        }

        // --- the row (columns in CopyRowEncoder.eventsColumnList order) ---
        let out = events
        out.beginRow()
        if let canonicalID {
            out.append(canonicalID, EventUUID.formattedCount)
        } else {
            eventID.format(into: out.reserve(EventUUID.formattedCount))
            out.advance(EventUUID.formattedCount)
        }
        out.tab(); column(ids.message)
        out.tab(); out.append(type.staticText)
        out.tab()
        if let name { out.appendEscaped(name.p, name.n) } else { out.append(fixedName) }
        out.tab(); column(ids.session)
        out.tab(); column(ids.user)
        out.tab(); column(ids.anonymous)
        out.tab(); timestamp(occurredAt)
        // original_timestamp nearly always repeats occurred_at (no skew to correct, or no timestamp:
        // both are received_at): its text is copied rather than formatted again.
        out.tab()
        let original = claimed ?? receivedAt
        if original == occurredAt {
            let d = out.reserve(Timestamp.formattedCount)
            d.update(from: d - (Timestamp.formattedCount + 1), count: Timestamp.formattedCount)
            out.advance(Timestamp.formattedCount)
        } else {
            timestamp(original)
        }
        out.tab(); if let sentAt { timestamp(sentAt) } else { out.null() }
        out.tab(); out.append(scratch.constants + scratch.receivedAtText.lowerBound, scratch.receivedAtText.count)
        out.tab()
        if type.isSegment {
            appendObject(props, .absent, extra: ("groupId", e(.groupId)), ("previousId", e(.previousId)))
        } else {
            appendObject(props, .absent, extra: ("", .absent), ("", .absent))
        }
        out.tab(); appendObject(batchCtx, ctx, extra: ("", .absent), ("", .absent))
        out.tab(); out.append(scratch.constants + scratch.transportIPKeyText.lowerBound, scratch.transportIPKeyText.count)
        appendEnrichment()
        out.tab(); out.null()  // lead_id: set later by the CRM side, never by senders
        out.append(0x0A)
        out.noteOccurredAt(occurredAt)
        summary.accepted += 1
        if flags & JSONValueRef.needsSanitizing != 0 { summary.sanitized += 1 }
    }

    @inline(__always) func parseTime(_ v: JSONValueRef) -> Int64? {
        guard v.kind == .string else { return nil }
        let t = text(v)
        return Timestamp.parseISO8601(t.p, count: t.n)
    }

    @inline(__always) func column(_ t: TextSpan?) {
        if let t { events.appendEscaped(t.p, t.n) } else { events.null() }
    }

    @inline(__always) func timestamp(_ micros: Int64) {
        Timestamp.format(micros, into: events.reserve(Timestamp.formattedCount))
        events.advance(Timestamp.formattedCount)
    }

    /// Writes a jsonb object made of the members of `a` then `b` (either may be absent), then
    /// the extra members. No DOM: object bodies are spliced as bytes; on duplicate keys jsonb keeps
    /// the last, so `b` overrides `a` and the extras override both (a shallow merge).
    func appendObject(
        _ a: JSONValueRef, _ b: JSONValueRef, extra x1: (StaticString, JSONValueRef), _ x2: (StaticString, JSONValueRef)
    ) {
        let out = events
        // Fast path: one object as is.
        if x1.1.kind == .absent || x1.1.kind == .null, x2.1.kind == .absent || x2.1.kind == .null {
            if a.kind == .object, b.kind != .object {
                return out.appendJSONB(base + Int(a.start), a.count, sanitize: a.needsSanitizing)
            }
            if b.kind == .object, a.kind != .object {
                return out.appendJSONB(base + Int(b.start), b.count, sanitize: b.needsSanitizing)
            }
        }
        out.append(0x7B)
        var wrote = false
        appendMembers(of: a, &wrote)
        appendMembers(of: b, &wrote)
        appendMember(x1.0, x1.1, &wrote)
        appendMember(x2.0, x2.1, &wrote)
        out.append(0x7D)
    }

    /// The members of object `part` (bytes between its braces), comma-separated from earlier ones.
    @inline(__always) private func appendMembers(of part: JSONValueRef, _ wrote: inout Bool) {
        guard part.kind == .object else { return }
        var s = Int(part.start) + 1
        let e = Int(part.end) - 1
        while s < e, isJSONWhitespace(base[s]) { s += 1 }
        guard s < e else { return }
        if wrote { events.append(0x2C) }
        events.appendJSONB(base + s, e - s, sanitize: part.needsSanitizing)
        wrote = true
    }

    @inline(__always) private func appendMember(_ key: StaticString, _ v: JSONValueRef, _ wrote: inout Bool) {
        guard v.isPresent else { return }
        if wrote { events.append(0x2C) }
        events.append(0x22); events.append(key); events.append(0x22); events.append(0x3A)
        events.appendJSONB(base + Int(v.start), v.count, sanitize: v.needsSanitizing)
        wrote = true
    }
}

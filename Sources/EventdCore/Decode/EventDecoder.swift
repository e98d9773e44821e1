/// Decodes one received JSON text — a single event, a Segment batch object
/// `{"batch":[…], "sentAt":…, "context":{…}, "writeKey":…}`, or a bare array of events — straight
/// into COPY rows: validation, mapping (see `EventMapping`) and enrichment happen in one pass over
/// the bytes, without a DOM and without per-event heap allocation in steady state.
///
/// One decoder per connection / worker thread (it owns scratch memory and a UUIDv7 generator);
/// it is cheap to keep and not meant to be shared (copies share the scratch memory).
///
/// Measured (release build, one core of the 2-core dev box, `corebench` in the dev package):
/// a 326-byte Segment `track` event with page URL + UTM ⇒ ~1.0 µs per event one text at a time,
/// ~0.9 µs in 100-event batches (~1.0–1.1 M events/s/core); a 550-byte event with a browser UA
/// ⇒ ~1.35 µs. callgrind: ~12.5 k instructions per 326-byte event, and no malloc per event in
/// steady state (buffers, slot tables and scratch are reused; Strings are built only on refusal).
///
/// Refusals: each refused event becomes one row in `rejected` and one `Rejection` in
/// `rejections`; a bad batch element never costs its neighbours. The whole text is refused once
/// (and nothing of it lands) only when it is not parseable JSON at the top level, is larger than
/// `maxBatchBytes`, or holds more than `maxEventsPerBatch` events.
public struct EventDecoder {
    var generator: UUIDv7Generator
    let scratch = DecoderScratch()
    /// The refusals of the last `decode` call, in input order (reused storage).
    public private(set) var rejections: [Rejection] = []
    /// Turns the one-pass batch walk off, so tests and the fuzzer can compare it with the two-pass
    /// walk it must agree with (`DecodePass+OnePass.swift`).
    public var testOnly_twoPassOnly = false

    public init(generator: UUIDv7Generator = UUIDv7Generator()) {
        self.generator = generator
    }

    /// Decodes `text`, appending one analytics.events row per accepted event to `events` and one
    /// analytics.rejected_events row per refusal to `rejected`. When `text` is an adapter's rewriting
    /// of a vendor's events, `sender` holds the vendor's own bytes: a refusal's `raw` is taken from there.
    public mutating func decode(
        _ text: UnsafeRawBufferPointer, context: IngestContext, into events: RowBuffer, rejected: RowBuffer,
        sender: SenderBytes? = nil
    ) -> DecodeSummary {
        rejections.removeAll(keepingCapacity: true)
        guard let raw = text.baseAddress, text.count > 0 else {
            var pass = DecodePass(
                base: UnsafePointer(bitPattern: 1)!, count: 0, context: context, events: events, rejectedOut: rejected,
                scratch: scratch, generator: generator, rejections: [], sender: sender)
            pass.rejectWhole(.malformedJSON, "The text is empty.")
            rejections = pass.rejections
            return pass.summary
        }
        scratch.prepareConstants(context)
        var pass = DecodePass(
            base: raw.assumingMemoryBound(to: UInt8.self), count: text.count, context: context, events: events,
            rejectedOut: rejected, scratch: scratch, generator: generator, rejections: [], sender: sender)
        pass.onePass = !testOnly_twoPassOnly
        swap(&pass.rejections, &rejections)
        pass.run()
        swap(&pass.rejections, &rejections)
        generator = pass.generator
        return pass.summary
    }

    /// `decode` for a `[UInt8]` / `Data`-like contiguous collection (tests, tools).
    public mutating func decode(
        _ text: some ContiguousBytes, context: IngestContext, into events: RowBuffer, rejected: RowBuffer,
        sender: SenderBytes? = nil
    ) -> DecodeSummary {
        text.withUnsafeBytes { decode($0, context: context, into: events, rejected: rejected, sender: sender) }
    }
}

/// Byte-access abstraction for the convenience `decode` (no Foundation dependency).
public protocol ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousBytes where Element == UInt8 {}
extension ArraySlice: ContiguousBytes where Element == UInt8 {}
extension String: ContiguousBytes {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var s = self
        return try s.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }
}

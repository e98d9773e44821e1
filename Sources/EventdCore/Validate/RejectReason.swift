/// Why an event (or a whole text) was refused. A closed set: the raw values are the `reason`
/// column of `analytics.rejected_events` and a metrics label, so renaming one is a breaking change.
public enum RejectReason: String, CaseIterable, Sendable {
    /// The text is not parseable JSON at the top level (the whole text is refused, once).
    case malformedJSON = "malformed_json"
    /// The event (or the top-level value) is JSON but not an object.
    case notAnObject = "not_an_object"
    /// A required field (`type`, `name`/`event`) is absent or null.
    case missingField = "missing_field"
    /// A known field has the wrong JSON type (e.g. `name` is a number).
    case invalidFieldType = "invalid_field_type"
    /// `type` is not one of the analytics.event_type values.
    case invalidEventType = "invalid_event_type"
    /// A Segment-shaped event has neither `userId` nor `anonymousId`.
    case missingIdentity = "missing_identity"
    /// The event name is longer than 255 characters.
    case nameTooLong = "name_too_long"
    /// An id field (message id, user id, anonymous id, session id) is longer than 255 characters.
    case fieldTooLong = "field_too_long"
    /// A timestamp is not ISO-8601 `YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`.
    case invalidTimestamp = "invalid_timestamp"
    /// The (skew-corrected) event time is too far in the future or the past of its receipt.
    case timestampOutOfRange = "timestamp_out_of_range"
    /// `properties` (or `traits`) is present but not an object.
    case propertiesNotObject = "properties_not_object"
    /// `context` is present but not an object.
    case contextNotObject = "context_not_object"
    /// Objects/arrays are nested deeper than the configured limit.
    case tooDeep = "too_deep"
    /// One event is larger than the per-event byte limit (or a line exceeds the line limit).
    case eventTooLarge = "event_too_large"
    /// A batch text (HTTP body, datagram) is larger than the per-batch byte limit.
    case batchTooLarge = "batch_too_large"
    /// A batch holds more events than allowed.
    case tooManyEvents = "too_many_events"
    /// The bytes are not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// A number PostgreSQL's jsonb cannot hold (exponent beyond ±1000 or more than 1000 characters).
    case invalidNumber = "invalid_number"
    /// An id field is of a form that cannot be used (e.g. an object, or empty after trimming).
    case invalidID = "invalid_id"

    /// One human sentence for logs, the admin API and the `detail` column.
    public var humanDescription: String {
        switch self {
        case .malformedJSON: "The text is not valid JSON."
        case .notAnObject: "The event is not a JSON object."
        case .missingField: "A required field is missing or null."
        case .invalidFieldType: "A field has the wrong JSON type."
        case .invalidEventType: "The event type is not one of the accepted event types."
        case .missingIdentity: "A Segment event needs a userId or an anonymousId."
        case .nameTooLong: "The event name is longer than 255 characters."
        case .fieldTooLong: "An id field is longer than 255 characters."
        case .invalidTimestamp: "A timestamp is not in ISO-8601 format."
        case .timestampOutOfRange: "The event time is too far in the future or in the past."
        case .propertiesNotObject: "The properties (or traits) field is not a JSON object."
        case .contextNotObject: "The context field is not a JSON object."
        case .tooDeep: "The JSON is nested deeper than allowed."
        case .eventTooLarge: "The event is larger than the per-event size limit."
        case .batchTooLarge: "The batch is larger than the per-batch size limit."
        case .tooManyEvents: "The batch holds more events than allowed."
        case .invalidUTF8: "The text is not valid UTF-8."
        case .invalidNumber: "A number is too large or too long for PostgreSQL jsonb."
        case .invalidID: "An id field cannot be used as an id."
        }
    }
}

import ArgumentParser
import BenchSupport

/// What `send --transport http` speaks: the route, body and event shape of one vendor's client
/// (`--protocol`), so each adapter's end-to-end cost can be set against Segment's `/v1/batch`.
enum HTTPProtocol: String, ExpressibleByArgument, CaseIterable {
    /// Segment's `POST /v1/batch` (server-side libraries' batches).
    case segment
    /// eventd's native events as a bare JSON array on `POST /v1/batch`.
    case native
    /// posthog-python's `POST /batch/` (`{"api_key", "batch", "sent_at"}`).
    case posthogBatch = "posthog-batch"
    /// posthog-js's `POST /i/v0/e/`: a JSON array of events, each with `properties.token`.
    case posthogE = "posthog-e"
    /// mixpanel-python's `POST /import` (a JSON array; the key as the Basic user, as the API secret is sent).
    case mixpanelImport = "mixpanel-import"
    /// mixpanel-python's Consumer on `POST /track`: `data=<JSON array>` form-encoded.
    case mixpanelTrack = "mixpanel-track"
    /// The Snowplow trackers' `POST /com.snowplowanalytics.snowplow/tp2` (`payload_data`).
    case snowplow

    var shape: EventMix.Shape {
        switch self {
        case .segment: .segment
        case .native: .native
        case .posthogBatch, .posthogE: .posthog
        case .mixpanelImport, .mixpanelTrack: .mixpanel
        case .snowplow: .snowplow
        }
    }

    var path: String {
        switch self {
        case .segment, .native: "/v1/batch"
        case .posthogBatch: "/batch/"
        case .posthogE: "/i/v0/e/"
        case .mixpanelImport: "/import"
        case .mixpanelTrack: "/track"
        case .snowplow: "/com.snowplowanalytics.snowplow/tp2"
        }
    }

    var unit: UnitFormat {
        switch self {
        case .segment: .segmentBody
        case .native, .posthogE, .mixpanelImport: .jsonArray
        case .posthogBatch: .posthogBatch
        case .mixpanelTrack: .mixpanelForm
        case .snowplow: .snowplowPayload
        }
    }

    /// Whether the client presents the key in the request head (Basic, the key as user name).
    var sendsBasicAuth: Bool {
        switch self {
        case .segment, .native, .mixpanelImport, .snowplow: true
        case .posthogBatch, .posthogE, .mixpanelTrack: false
        }
    }

    var contentType: String {
        switch self {
        case .mixpanelTrack: "application/x-www-form-urlencoded"
        case .snowplow: "application/json; charset=UTF-8"
        default: "application/json"
        }
    }
}

import NIOConcurrencyHelpers

/// Rows and busy time per COPY stream since the last window, written by the loader thread and the
/// lanes after each cut and read by the loader thread once a window (`StreamScaler`). A lock taken
/// once per cut, never per row.
final class CopyStreamLedger: Sendable {
    struct Entry: Sendable, Equatable {
        var rows = 0
        var busy = Duration.zero
    }

    private let entries: NIOLockedValueBox<[Entry]>

    init(streams: Int) {
        entries = NIOLockedValueBox(Array(repeating: Entry(), count: streams))
    }

    /// Stream `stream` spent `busy` on a cut and committed `rows` of it (0 when it failed).
    func record(stream: Int, rows: Int, busy: Duration) {
        entries.withLockedValue {
            $0[stream].rows += rows
            $0[stream].busy += busy
        }
    }

    /// What each stream did since the last call; starts the next window.
    func takeWindow() -> [Entry] {
        entries.withLockedValue { entries in
            defer { for index in entries.indices { entries[index] = Entry() } }
            return entries
        }
    }
}

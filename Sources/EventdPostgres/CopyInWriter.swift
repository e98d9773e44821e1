import CLibPQ

/// Sends COPY data to the server inside `PostgresConnection.copyIn`. Valid only during the body call.
///
/// Bytes go straight to PQputCopyData: no buffering or allocation here. libpq copies each call's bytes
/// into its own output buffer and flushes it to the socket as it fills.
public struct CopyInWriter {
    let handle: OpaquePointer

    /// The most bytes handed to one PQputCopyData call; larger buffers go in chunks of this size (COPY
    /// data is a byte stream: a row may span chunks).
    ///
    /// Why small: one PQputCopyData message must fit libpq's output buffer whole, so libpq doubles that
    /// buffer until it does — and never shrinks it for the connection's life. Handing a whole cut's binary
    /// payload (~3–4 MB at 5,000 rows) in one call left each COPY connection holding a 4–8 MB output
    /// buffer; 32 KiB keeps it at 64 KiB. The extra calls cost nothing measurable next to the rows'
    /// encoding (~55 binary rows per call). Benchmarks/RESULTS.md, "Memory of cuts in flight".
    public static let maxChunk = 32 << 10

    /// Sends raw COPY bytes (rows in the format the COPY statement named; rows may span calls).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let chunk = min(remaining, Self.maxChunk)
            let sent = base.withMemoryRebound(to: CChar.self, capacity: chunk) {
                PQputCopyData(handle, $0, Int32(chunk))
            }
            guard sent == 1 else {
                let message = OneLine.collapse(String(cString: PQerrorMessage(handle)))
                let lost = PQstatus(handle) != CONNECTION_OK
                throw PostgresError(code: lost ? .connectionLost : .copyFailed, message: "sending COPY data failed: \(message)")
            }
            base += chunk
            remaining -= chunk
        }
    }

    /// Sends raw COPY bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Sends a string's UTF-8 bytes (convenient for tests and small control rows).
    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

// Only valid inside the copyIn body on the connection's thread.
@available(*, unavailable)
extension CopyInWriter: Sendable {}

/// Clock-skew correction for device clocks (Segment's rule): a device that is 5 minutes fast stamps
/// both `timestamp` and `sentAt` 5 minutes fast, so `receivedAt − sentAt` is its error.
public enum SkewCorrection {
    /// occurred_at = timestamp + (receivedAt − sentAt) when both are given, else timestamp, else receivedAt.
    @inline(__always)
    public static func occurredAt(timestamp: Int64?, sentAt: Int64?, receivedAt: Int64) -> Int64 {
        guard let timestamp else { return receivedAt }
        guard let sentAt else { return timestamp }
        return timestamp + (receivedAt - sentAt)
    }
}

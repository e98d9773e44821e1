/// eventd's version: `--version`, the start log line, and `eventd_build_info` (read by `eventd status`).
public enum EventdVersion {
    public static let current = "0.1.0"
}

/// `[privacy]`: what eventd keeps about the people who send events.
public struct PrivacyConfig: Sendable, Equatable {
    /// Zero the host part of client IP addresses before storing them: the last octet of IPv4, the last 80 bits
    /// of IPv6 (`anonymize_ip`, default true). Turn it off only if you have a lawful need for full addresses.
    public var anonymizeIP: Bool = true

    /// The defaults above.
    public init() {}
}

/// `[privacy]`: what eventd keeps about the people who send events.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `PrivacyConfig+Keys.swift`.
public struct PrivacyConfig: Sendable, Equatable {
    /// `anonymize_ip`
    public var anonymizeIP: Bool = true

    /// The defaults above.
    public init() {}
}

/// `[database]`: which PostgreSQL eventd writes to.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `DatabaseConfig+Keys.swift`.
public struct DatabaseConfig: Sendable, Equatable {
    /// `url`
    public var url: String? = nil
    /// `application_name`
    public var applicationName: String = "eventd"
    /// `read_url`
    public var readURL: String? = nil

    /// The defaults above.
    public init() {}
}

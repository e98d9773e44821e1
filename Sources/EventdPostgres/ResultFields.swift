import CLibPQ

/// The diagnostic fields of an error or notice PGresult, copied into Swift strings.
struct ResultFields {
    var severity: String?
    var sqlState: String?
    var message: String?
    var detail: String?
    var hint: String?
    var context: String?
    var position: Int?

    // postgres_ext.h defines the field codes as character literals ('S', 'C', …), which Swift does not
    // import; these are the same values.
    private static let severityField = Int32(UInt8(ascii: "S"))
    private static let severityNonLocalizedField = Int32(UInt8(ascii: "V"))
    private static let sqlStateField = Int32(UInt8(ascii: "C"))
    private static let primaryField = Int32(UInt8(ascii: "M"))
    private static let detailField = Int32(UInt8(ascii: "D"))
    private static let hintField = Int32(UInt8(ascii: "H"))
    private static let contextField = Int32(UInt8(ascii: "W"))
    private static let positionField = Int32(UInt8(ascii: "P"))

    init(_ result: OpaquePointer) {
        severity = Self.field(result, Self.severityNonLocalizedField) ?? Self.field(result, Self.severityField)
        sqlState = Self.field(result, Self.sqlStateField)
        message = Self.field(result, Self.primaryField).map(OneLine.collapse)
        detail = Self.field(result, Self.detailField).map(OneLine.collapse)
        hint = Self.field(result, Self.hintField).map(OneLine.collapse)
        context = Self.field(result, Self.contextField).map(OneLine.collapse)
        position = Self.field(result, Self.positionField).flatMap { Int($0) }
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let value = PQresultErrorField(result, code) else { return nil }
        return String(cString: value)
    }
}

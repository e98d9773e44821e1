/// Why a written value (duration, size, address) did not parse, phrased to follow "invalid value for 'key': ".
struct ConfigValueFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

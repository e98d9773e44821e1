/// The values a key allows beyond what its codec reads: a range, a power of two, a well-formed path.
/// `failure` names what is wrong, phrased for `invalid value for '<key>': <reason>`.
struct ConfigCheck<Value>: Sendable {
    typealias Failure = ConfigCheckFailure

    let failure: @Sendable (Value) -> Failure?

    init(_ failure: @escaping @Sendable (Value) -> Failure?) {
        self.failure = failure
    }

    /// Any value the codec reads.
    static var any: ConfigCheck { ConfigCheck { _ in nil } }

    /// Refused with `reason` unless `isAllowed`.
    static func require(_ isAllowed: @escaping @Sendable (Value) -> Bool, _ reason: @escaping @Sendable (Value) -> String)
        -> ConfigCheck
    {
        ConfigCheck { value in isAllowed(value) ? nil : Failure(reason: reason(value)) }
    }
}

extension ConfigCheck where Value == Int {
    static func atLeast(_ minimum: Int) -> ConfigCheck {
        .require({ $0 >= minimum }) { "\($0) is too small; it must be at least \(minimum)" }
    }

    static func within(_ range: ClosedRange<Int>) -> ConfigCheck {
        .require({ range.contains($0) }) {
            "\($0) is out of range; allowed: \(range.lowerBound) to \(range.upperBound)"
        }
    }
}

extension ConfigCheck where Value == Duration {
    /// More than zero.
    static let positive = ConfigCheck.require({ $0 > .zero }) {
        "\(ConfigDuration.format($0)) is too short; it must be more than 0s"
    }
}

extension ConfigCheck where Value == ListenAddress {
    /// A host, and a port from 0 (the OS picks) to 65535.
    static let listener = ConfigCheck { address in
        if address.host.isEmpty { return Failure(reason: "the host is empty") }
        if !(0...65_535).contains(address.port) {
            return Failure(reason: "\(address.port) is out of range; allowed: 0 to 65535")
        }
        return nil
    }
}

extension ConfigCheck where Value == ListenAddress? {
    /// Unset (off), or a listener as for `ListenAddress`.
    static let listener = ConfigCheck { $0.flatMap(ConfigCheck<ListenAddress>.listener.failure) }
}

extension ConfigCheck where Value == String? {
    /// Unset, or a string `check` allows.
    static func ifSet(_ check: ConfigCheck<String>) -> ConfigCheck {
        ConfigCheck { $0.flatMap(check.failure) }
    }
}

extension ConfigCheck where Value == [String] {
    /// Every element as `check` allows, the first refused one named by index.
    static func each(_ check: ConfigCheck<String>) -> ConfigCheck {
        ConfigCheck { items in
            for (index, item) in items.enumerated() {
                if var failure = check.failure(item) {
                    failure.subkey = "[\(index)]" + failure.subkey
                    return failure
                }
            }
            return nil
        }
    }
}

/// Why a value is refused, and where inside it (`[2]`, `[0].name`) when the key is an array.
struct ConfigCheckFailure {
    var subkey: String = ""
    var reason: String
}

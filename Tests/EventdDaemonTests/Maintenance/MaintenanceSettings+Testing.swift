@testable import EventdDaemon

extension MaintenanceSettings {
    /// The defaults with `[maintenance]` changed by `change`, e.g. `MaintenanceSettings { $0.partitionsAheadDays = 20 }`.
    init(_ change: (inout MaintenanceConfig) -> Void) {
        var maintenance = MaintenanceConfig()
        change(&maintenance)
        self.init(maintenance: maintenance)
    }
}

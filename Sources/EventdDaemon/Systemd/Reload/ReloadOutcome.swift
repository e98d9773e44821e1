/// The result of one config reload.
public enum ReloadOutcome: Sendable, Equatable {
    /// The new config was valid; `changes.live` are in effect, `changes.needRestart` wait for a restart.
    case applied(ConfigChanges)
    /// The new config was refused; the running one is unchanged. `key` names the key at fault when one is.
    case refused(key: String?, reason: String)
}

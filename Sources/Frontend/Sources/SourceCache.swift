/// Where openrun keeps fetched sources: `$OPENRUN_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/openrun`, else `~/.cache/openrun`.
package enum SourceCache {
    /// The cache folder for `environment` (only non-empty values count).
    package static func directory(environment: [String: String]) -> String {
        func value(_ key: String) -> String? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            return v
        }
        if let dir = value("OPENRUN_CACHE_DIR") { return dir }
        if let xdg = value("XDG_CACHE_HOME") { return xdg + "/openrun" }
        return (value("HOME") ?? "/tmp") + "/.cache/openrun"
    }
}

import IR

/// Namespace for facts about the frontends that the CLI reports.
public enum Frontend {
    /// Dialect features a Starlark file may enable, as go.starlark.net's FileOptions names them.
    public static let starlarkFeatureNames = ["set", "while", "recursion", "toplevelcontrol", "globalreassign", "loadbindsglobally"]
}

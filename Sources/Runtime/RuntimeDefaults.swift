/// Defaults of `openrun run`, shared by the CLI's help text and the runtime.
public enum RuntimeDefaults {
    /// Where the proxy listens unless `--listen` says otherwise.
    public static let listenAddress = "127.0.0.1:25222"
    /// Seconds without a request, in-flight request or open stream before an app's container is stopped.
    public static let idleTimeoutSeconds = 180
}

import ArgumentParser

/// What names one app: its source, where it is served, its spec, and the
/// user's params and container settings. Shared by `build`, `run` and `inspect ir`.
struct AppOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "The app's source: a folder, a git URL (github.com/owner/repo[/sub/dir], https://..., git@host:org/repo, '//' separates repo from folder), an archive (.tar.gz, .tgz, .zip), or '-' for none.",
        valueName: "source"))
    var source: String

    @Argument(help: ArgumentHelp("Where the app is served: /path or domain:/path.", valueName: "app-path"))
    var appPath: String = "/"

    @Option(help: ArgumentHelp("A bundled spec name (see 'openrun spec list') or a folder holding app.star, params.star, Containerfile.", valueName: "name|path"))
    var spec: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("Set a param (repeatable); coerced to the type params.star declares.", valueName: "key=value"))
    var params: [String] = []

    @Option(name: .customLong("carg"), help: ArgumentHelp("Container build arg (repeatable); overrides cargs and ARG defaults.", valueName: "key=value"))
    var buildArgs: [String] = []

    @Option(name: .customLong("copt"), help: ArgumentHelp("Container option (repeatable): cpus, memory, min_replicas, max_replicas, docker.FLAG, podman.FLAG.", valueName: "key=value"))
    var containerOptions: [String] = []

    @Option(name: .customLong("cvol"), help: ArgumentHelp("Container volume (repeatable): /path, name:/path, /host:/path, ./rel:/path, cl_secret:tmpl:/path, optional :ro.", valueName: "volume"))
    var volumes: [String] = []

    @Option(help: "Git branch to check out.")
    var branch: String?

    @Option(help: "Git commit to check out.")
    var commit: String?
}

/// What each backend does with each feature of the IR: the table in
/// docs/backends.md is rendered from this (a test keeps them equal), and
/// each backend declares its own column next to its code.
package enum BackendFeature: String, CaseIterable, Sendable {
    case buildImage = "image built from a Containerfile"
    case pullImage = "image pulled by reference (`image:`)"
    case port = "port (config or EXPOSE), published on loopback"
    case health = "health check on the health path"
    case env = "params and CL_APP_PATH/PORT as env, in the IR's order"
    case appURL = "CL_APP_URL (the app's public URL)"
    case secretEnv = "secret params (`{{secret \"K\"}}`)"
    case namedVolume = "anonymous and named volumes"
    case bindMount = "bind mounts"
    case secretFile = "cl_secret template files"
    case resources = "--copt cpus / memory"
    case replicas = "--copt min_replicas / max_replicas"
    case engineFlags = "--copt docker.X / podman.X / kubernetes.X"
    case stopSignal = "STOPSIGNAL"
    case commandLifetime = "lifetime=container.COMMAND (image-cmd)"
    case proxyRoutes = "routes to external URLs (proxy spec)"
    case scaleToZero = "start on first request, stop when idle"
}

/// How a backend handles a feature.
package enum SupportLevel: Hashable, Sendable {
    case yes(String)
    /// Partly, or differently: the text says how; a warning says so at the declaration.
    case partial(String)
    /// Not expressible: a located warning (or error) with this text's diagnostic id.
    case no(String)

    var cell: String {
        switch self {
        case .yes(let how): how.isEmpty ? "yes" : "yes: \(how)"
        case .partial(let how): "partly: \(how)"
        case .no(let why): "no: \(why)"
        }
    }
}

extension BackendKind {
    /// This backend's column of the matrix; nil until the backend exists.
    package var support: [BackendFeature: SupportLevel]? {
        switch self {
        case .docker: DockerBackend.support
        case .kubernetes: KubernetesBackend.support
        case .quadlet: QuadletBackend.support
        }
    }

    /// The matrix as the Markdown table docs/backends.md holds between `<!-- matrix -->` markers.
    package static var supportMatrixMarkdown: String {
        var s = "| feature | " + allCases.map(\.rawValue).joined(separator: " | ") + " |\n"
        s += "|---|" + allCases.map { _ in "---|" }.joined() + "\n"
        for f in BackendFeature.allCases {
            s += "| \(f.rawValue) | " + allCases.map { k in
                guard let column = k.support else { return "not yet" }
                return column[f]?.cell ?? "?"
            }.joined(separator: " | ") + " |\n"
        }
        return s
    }
}

extension DockerBackend {
    static let support: [BackendFeature: SupportLevel] = [
        .buildImage: .yes("`build` from `context/`, only when the content-hash tag is missing"),
        .pullImage: .yes("`pull` when missing"),
        .port: .yes("`--publish 127.0.0.1::PORT` (or `OPENRUN_PORT`)"),
        .health: .yes("polls from 5 ms with backoff; fails fast with logs when the container exits"),
        .env: .yes("`--env K=V`, quoted"),
        .appURL: .yes("`OPENRUN_APP_URL`, default `http://localhost:25222/<path>`"),
        .secretEnv: .yes("read from the environment at start, passed as `--env K` from the engine's environment; a missing one stops with its name"),
        .namedVolume: .yes("`volume create` per app, labelled"),
        .bindMount: .yes("absolute, or relative to `context/`"),
        .secretFile: .yes("rendered at start into a 0600 file outside dist/ (`openrun render-secret-file`); prerendered into `files/` when it holds no secret"),
        .resources: .yes("`--cpus`, `--memory`"),
        .replicas: .no("one container; warning `docker.replicas-ignored`"),
        .engineFlags: .yes("added for the matching engine only; `kubernetes.X` ignored with warning `docker.kubernetes-setting-ignored`"),
        .stopSignal: .yes("`--stop-signal`"),
        .commandLifetime: .partial("`start` gets the image, `run.sh exec CMD` runs one; warning `docker.command-lifetime`"),
        .proxyRoutes: .partial("in plan.json for `openrun run`; run.sh has nothing to start"),
        .scaleToZero: .partial("by `openrun run` executing plan.json; run.sh starts and stops on request"),
    ]
}

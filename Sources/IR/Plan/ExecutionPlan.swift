import Foundation

/// What the docker backend emits (`dist/docker/<slug>/plan.json`) and what
/// both `run.sh` and the runtime (`openrun run`) execute: the app's routes and
/// serving options, and the ordered steps that start its container, with every
/// argv element as data. The runtime never reads app.star; a plan built in CI
/// is exactly what runs.
///
/// Paths in a plan (`BuildImageStep.context`, …) are relative to the folder
/// holding plan.json. A plan holds secret references, never secret values.
public struct ExecutionPlan: Codable, Hashable, Sendable {
    /// Bumped on any incompatible change to the JSON shape.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var app: PlanApp
    /// Routes in the order app.star declares them (the runtime's proxy table).
    public var routes: [RouteIR]
    /// The app's container, when it runs one (nil for proxy-only apps).
    public var container: PlanContainer?
    /// Idle stop and health budget.
    public var runtime: RuntimePolicy

    public init(app: PlanApp, routes: [RouteIR], container: PlanContainer?, runtime: RuntimePolicy) {
        self.schemaVersion = Self.currentSchemaVersion
        self.app = app
        self.routes = routes
        self.container = container
        self.runtime = runtime
    }

    /// Pretty JSON with sorted keys and a trailing newline; the same plan always gives the same bytes.
    public func encodeJSON() throws -> Data {
        Data(try IRValueEncoder().encode(self).prettyJSON.utf8)
    }

    /// Reads plan.json; a plan of another schema version is refused with a clear message.
    public static func decodeJSON(_ data: Data) throws -> ExecutionPlan {
        let plan = try IRValueDecoder().decode(ExecutionPlan.self, fromJSON: data)
        guard plan.schemaVersion == currentSchemaVersion else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "plan schema version \(plan.schemaVersion) is not \(currentSchemaVersion); rebuild it with this openrun"))
        }
        return plan
    }
}

/// Who the app is and where it is served.
public struct PlanApp: Codable, Hashable, Sendable {
    public var name: String
    public var slug: String
    /// URL path prefix, starting with `/`.
    public var path: String
    public var domain: String?
    /// Redirect `/app` to `/app/`.
    public var redirectBarePath: Bool
    /// `CL_APP_URL` when nothing else says where the app is public: `http://<domain or localhost>:25222<path>`,
    /// what `openrun run` serves by default. run.sh takes `OPENRUN_APP_URL` instead when set; the runtime uses its listen address.
    public var defaultURL: String

    public init(name: String, slug: String, path: String, domain: String?, redirectBarePath: Bool, defaultURL: String) {
        self.name = name
        self.slug = slug
        self.path = path
        self.domain = domain
        self.redirectBarePath = redirectBarePath
        self.defaultURL = defaultURL
    }
}

/// The container and how to get it running and stopped.
public struct PlanContainer: Codable, Hashable, Sendable {
    /// The container's name (`openrun-<slug>`).
    public var name: String
    /// Steps that bring the container up, in order: image, volumes, secret files, run, health wait.
    /// Each step is idempotent on its own terms (see each step); an executor runs them all on every start.
    public var start: [PlanStep]
    public var stop: StopStep
    /// For apps that run commands on demand (lifetime `command`): how a one-off
    /// command container runs (no publish, removed when done). Nil for services.
    public var command: RunStep?
    /// SHA-256 over everything that decides the container (image, run options, env template):
    /// an existing container whose `dev.openrun.plan` label differs is replaced, an equal one reused.
    public var digest: String

    public init(name: String, start: [PlanStep], stop: StopStep, command: RunStep? = nil, digest: String) {
        self.name = name
        self.start = start
        self.stop = stop
        self.command = command
        self.digest = digest
    }

    /// The run step (every container plan has exactly one).
    public var run: RunStep? {
        for case .run(let r) in start { return r }
        return nil
    }

    /// The health wait, if the app serves HTTP.
    public var waitHealthy: WaitHealthyStep? {
        for case .waitHealthy(let w) in start { return w }
        return nil
    }
}

import ArgumentParser
import Foundation
import IR
import TextTemplate

/// `openrun render-secret-file PLAN NAME`: renders one cl_secret file of a
/// plan on stdout, secrets read from the environment. run.sh calls it when
/// an app starts (into a 0600 file outside dist/); not for people.
struct RenderSecretFileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-secret-file",
        abstract: "Render a plan's cl_secret file with secrets from the environment (used by run.sh).",
        shouldDisplay: false
    )

    @Argument(help: "The plan.json of an app.")
    var plan: String

    @Argument(help: "The secret file's name in the plan.")
    var name: String

    func run() async throws {
        let plan: ExecutionPlan
        do {
            plan = try ExecutionPlan.decodeJSON(try Data(contentsOf: URL(fileURLWithPath: self.plan)))
        } catch {
            Terminal.stderr("\(self.plan): error: cannot read the plan: \(error)")
            throw ExitCode(1)
        }
        guard let step = plan.container?.start.lazy.compactMap({ if case .renderSecretFile(let s) = $0, s.name == name { s } else { nil } }).first else {
            Terminal.stderr("\(self.plan): error: the plan has no secret file named \"\(name)\"")
            throw ExitCode(1)
        }
        let env = ProcessInfo.processInfo.environment
        do {
            let text = try SecretFileRenderer.render(step, environment: env, appURL: env["OPENRUN_APP_URL"] ?? plan.app.defaultURL)
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            Terminal.stderr("\(self.plan): error: \(error)")
            throw ExitCode(1)
        }
    }
}

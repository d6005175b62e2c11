import IR

/// Renders a plan's `cl_secret` file: the template with `.params` (each
/// param's value, secrets read from the environment), as OpenRun does when
/// the container starts. Used by the CLI (for run.sh) and the runtime.
package enum SecretFileRenderer {
    package enum Failure: Error, CustomStringConvertible {
        case missingSecret(MissingSecretError)
        case template(DiagnosticError)

        package var description: String {
            switch self {
            case .missingSecret(let m): m.description
            case .template(let d): d.diagnostics.map(\.rendered).joined(separator: "\n")
            }
        }
    }

    package static func render(_ step: RenderSecretFileStep, environment: [String: String], appURL: String) throws(Failure) -> String {
        var params: [String: String] = [:]
        for p in step.params {
            do {
                params[p.name] = try p.value.resolve(environment: environment, appURL: appURL, neededBy: "param \(p.name) in \(step.templatePath)")
            } catch {
                throw .missingSecret(error)
            }
        }
        do {
            return try GoTemplate(source: step.template, file: step.templatePath).render(data: .params(params))
        } catch {
            throw .template(error)
        }
    }
}

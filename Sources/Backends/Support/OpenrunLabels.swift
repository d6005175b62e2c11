import IR

/// The `dev.openrun.*` labels openrun puts on what it creates, computed per
/// backend (a Kubernetes label value cannot hold `/` or `:`; Docker's can).
package enum OpenrunLabels {
    package static let managedBy = "dev.openrun.managed-by"
    package static let slug = "dev.openrun.app.slug"
    package static let path = "dev.openrun.app.path"
    /// The plan digest a container was created from.
    package static let plan = "dev.openrun.plan"

    /// `[domain:]path` as the user wrote the app path.
    package static func appPath(_ identity: AppIdentity) -> String {
        identity.domain.map { "\($0):\(identity.path)" } ?? identity.path
    }

    /// Labels for engine objects (containers, images, volumes), sorted by key.
    package static func engineLabels(_ identity: AppIdentity) -> [PlanKeyValue] {
        [PlanKeyValue(path, appPath(identity)), PlanKeyValue(slug, identity.slug), PlanKeyValue(managedBy, "openrun")]
            .sorted { $0.key < $1.key }
    }

    /// The URL `openrun run` serves the app at by default: `http://<domain or localhost>:25222<path>`.
    package static func defaultAppURL(_ identity: AppIdentity) -> String {
        "http://\(identity.domain ?? "localhost"):25222\(identity.path)"
    }
}

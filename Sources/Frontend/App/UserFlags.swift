import IR

/// The container flags (`--carg`, `--cvol`, `--copt`), checked once up front
/// so every mistake in them is reported together with everything else; only
/// the valid ones reach the lowering.
package struct UserFlags: Sendable {
    package var buildArgs: [KeyValueFlag] = []
    /// `--cvol` values that parse.
    package var volumes: [String] = []
    package var containerOptions = ContainerOptions()

    package init() {}

    package static func parse(buildArgs: [String] = [], volumes: [String] = [], containerOptions: [String] = [], into diags: Diagnostics) -> UserFlags {
        var f = UserFlags()
        f.buildArgs = buildArgs.compactMap { KeyValueFlag.parse(flag: "--carg", $0, into: diags) }
        f.volumes = volumes.filter { VolumeDeclaration.parse($0, location: .flag("--cvol", $0), into: diags) != nil }
        f.containerOptions = ContainerOptions.parse(containerOptions, into: diags)
        return f
    }

    /// Whether any container flag was given.
    package var isEmpty: Bool { buildArgs.isEmpty && volumes.isEmpty && containerOptions == ContainerOptions() }
}

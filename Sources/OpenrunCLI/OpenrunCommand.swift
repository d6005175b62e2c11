import ArgumentParser
import Backends
import Frontend
import IR
import Runtime

/// The `openrun` command: a thin layer that parses arguments, calls the
/// compiler's stages, writes files and maps failures to exit codes
/// (0 success, 1 user error with diagnostics on stderr, 2 not available).
public struct OpenrunCommand: AsyncParsableCommand {
    public static let version = "0.1.0-dev"

    public static let configuration = CommandConfiguration(
        commandName: "openrun",
        abstract: "Compile self-hosted web apps into deploy artifacts, or serve them locally.",
        discussion: """
        openrun reads an app's source (a folder, a git repository or an archive) and an \
        app spec (app.star, params.star, Containerfile), and compiles them into a \
        Docker/Podman run plan, Kubernetes manifests or Podman quadlet units.
        """,
        // The C libraries' versions are added by `main` (`versionLine`): naming them loads them.
        version: "openrun \(version)",
        subcommands: [
            BuildCommand.self,
            RunCommand.self,
            ApplyCommand.self,
            SpecCommand.self,
            InspectCommand.self,
            StarlarkCommand.self,
            RenderSecretFileCommand.self,
        ]
    )

    public init() {}

    /// `openrun --version`: openrun's version and the source readers' C libraries (loaded to ask).
    public static var versionLine: String {
        "openrun \(version) (libgit2 \(NativeLibraries.libgit2Version), libarchive \(NativeLibraries.libarchiveVersion))"
    }

    /// Runs the command line; `--version` alone prints `versionLine`.
    public static func mainWithVersion() async {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(versionLine)
            return
        }
        await main()
    }
}

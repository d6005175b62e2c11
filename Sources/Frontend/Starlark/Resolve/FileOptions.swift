extension Starlark {
    /// Dialect features of a file, as go.starlark.net's `syntax.FileOptions`.
    public struct FileOptions: Sendable, Equatable {
        /// The `set` builtin.
        public var set = false
        /// `while` loops.
        public var whileLoops = false
        /// Recursive calls.
        public var recursion = false
        /// `if`/`for`/`while` at top level.
        public var topLevelControl = false
        /// Rebinding a global (also allows top-level control flow, as in go.starlark.net).
        public var globalReassign = false
        /// `load` binds global (exported) names instead of file-local ones.
        public var loadBindsGlobally = false

        public init(set: Bool = false, whileLoops: Bool = false, recursion: Bool = false, topLevelControl: Bool = false, globalReassign: Bool = false) {
            self.set = set
            self.whileLoops = whileLoops
            self.recursion = recursion
            self.topLevelControl = topLevelControl
            self.globalReassign = globalReassign
        }

        /// The core language: no optional features (params.star).
        public static let core = FileOptions()
        /// OpenRun's app.star dialect: while loops and recursion.
        public static let appStar = FileOptions(whileLoops: true, recursion: true)
        /// Every optional feature.
        public static let all = FileOptions(set: true, whileLoops: true, recursion: true, topLevelControl: true, globalReassign: true)

        /// Enables a feature by its CLI name; false if the name is unknown.
        public mutating func enable(_ name: String) -> Bool {
            switch name {
            case "set": set = true
            case "while": whileLoops = true
            case "recursion": recursion = true
            case "toplevelcontrol": topLevelControl = true
            case "globalreassign": globalReassign = true
            case "loadbindsglobally": loadBindsGlobally = true
            default: return false
            }
            return true
        }
    }
}

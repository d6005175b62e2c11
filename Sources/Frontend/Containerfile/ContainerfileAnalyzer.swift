import IR

/// AST → `ContainerfileModel`: BuildKit's `instructions.Parse` checks (with
/// its wording) and the parts of `dockerfile2llb` that decide values: which
/// words are expanded and with which variables (global ARGs in FROM, stage
/// ARGs and ENV elsewhere, ENV winning over ARG), build-arg overrides, ENV
/// accumulation, WORKDIR resolution, CMD reset by ENTRYPOINT, and inheritance
/// of the image configuration from an earlier stage used as a base.
package struct ContainerfileAnalyzer {
    /// Diagnostic ids of the analyzer.
    package enum ID {
        static let unknownInstruction = "containerfile.unknown-instruction"
        static let arguments = "containerfile.arguments"
        static let flag = "containerfile.flag"
        static let expansion = "containerfile.expansion"
        static let stage = "containerfile.stage"
        static let noStage = "containerfile.no-stage"
        static let expose = "containerfile.expose-invalid"
        static let healthcheck = "containerfile.healthcheck"
        static let buildArg = "containerfile.build-arg-unused"
    }

    static let instructionNames = ["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]

    let ast: ContainerfileAST
    let buildArgs: [String: String]
    let diagnostics: Diagnostics
    let lex: ShellLex

    package init(ast: ContainerfileAST, buildArgs: [String: String], diagnostics: Diagnostics) {
        self.ast = ast
        self.buildArgs = buildArgs
        self.diagnostics = diagnostics
        self.lex = ShellLex(escapeToken: ast.escapeToken.unicodeScalars.first!)
    }

    /// Parses and analyzes `text` in one go; throws every error found
    /// (warnings are dropped: use `analyze(_:file:buildArgs:diagnostics:)` to keep them).
    package static func analyze(_ text: String, file: String, buildArgs: [String: String] = [:]) throws(DiagnosticError) -> ContainerfileModel {
        let diagnostics = Diagnostics()
        let model = analyze(text, file: file, buildArgs: buildArgs, diagnostics: diagnostics)
        try diagnostics.check()
        return model!
    }

    /// Parses and analyzes `text`, emitting every diagnostic (parse errors,
    /// instruction errors, warnings) into `diagnostics`. Returns nil only when
    /// the file does not parse; with instruction errors the model is partial.
    /// This is the entry point for the app model: `file` is the path relative
    /// to the app or spec root, `buildArgs` the `--carg`/`cargs` overrides.
    package static func analyze(_ text: String, file: String, buildArgs: [String: String], diagnostics: Diagnostics) -> ContainerfileModel? {
        let ast: ContainerfileAST
        do {
            ast = try ContainerfileParser.parse(text, file: file)
        } catch {
            diagnostics.absorb(error)
            return nil
        }
        for w in ast.warnings { diagnostics.emit(w) }
        return ContainerfileAnalyzer(ast: ast, buildArgs: buildArgs, diagnostics: diagnostics).run()
    }

    private func error(_ id: String, _ message: String, _ node: ContainerfileNode) {
        diagnostics.error(id, message, at: node.location)
    }

    /// Expands one word (ProcessWord); reports and returns nil on error.
    private func expand(_ word: String, _ env: [String: String], _ node: ContainerfileNode) -> String? {
        do {
            return try lex.processWord(word, env: env)
        } catch {
            self.error(ID.expansion, error.message, node)
            return nil
        }
    }

    private func expandWords(_ word: String, _ env: [String: String], _ node: ContainerfileNode) -> [String]? {
        do {
            return try lex.processWords(word, env: env)
        } catch {
            self.error(ID.expansion, error.message, node)
            return nil
        }
    }

    private func flags(_ node: ContainerfileNode, _ kinds: [String: BuilderFlags.Kind]) -> BuilderFlags? {
        var f = BuilderFlags(kinds)
        do {
            try f.parse(node.flags)
            return f
        } catch {
            self.error(ID.flag, error.message, node)
            return nil
        }
    }

    /// Mutable state of one stage while its instructions are dispatched.
    private struct StageState {
        var stage: ContainerfileStage
        var args: [String: String] = [:]
        var cmdSet = false

        /// Variables for expansion: stage ARGs overlaid by ENV.
        var expansionEnv: [String: String] {
            var m = args
            for kv in stage.env { m[kv.key] = kv.value }
            return m
        }

        mutating func setEnv(_ key: String, _ value: String, _ loc: SourceLocation) {
            if let i = stage.env.firstIndex(where: { $0.key == key }) {
                stage.env[i] = ContainerfileKeyValue(key: key, value: value, location: loc)
            } else {
                stage.env.append(ContainerfileKeyValue(key: key, value: value, location: loc))
            }
        }
    }

    package func run() -> ContainerfileModel {
        var globalArgs: [ContainerfileArg] = []
        var globalValues: [String: String] = [:]
        var stages: [ContainerfileStage] = []
        var images: [ContainerfileImageReference] = []
        var current: StageState? = nil
        var usedBuildArgs = Set<String>()

        func addImage(_ ref: String, _ loc: SourceLocation) {
            if !images.contains(where: { $0.reference == ref }) {
                images.append(ContainerfileImageReference(reference: ref, location: loc))
            }
        }
        func finishStage() {
            if let s = current { stages.append(s.stage) }
            current = nil
        }

        for node in ast.nodes {
            let name = node.name
            if name == "from" {
                finishStage()
                guard var st = from(node, index: stages.count, globals: globalValues, stages: stages) else { continue }
                if let b = st.stage.baseStage {
                    inherit(&st.stage, from: stages[b])
                } else if st.stage.base.lowercased() != "scratch" {
                    addImage(st.stage.base, node.location)
                }
                current = st
                continue
            }
            if current == nil {
                if name == "arg" {
                    for a in arg(node, env: globalValues, globals: [:], used: &usedBuildArgs) {
                        globalArgs.append(a)
                        globalValues[a.name] = a.value ?? ""
                    }
                    continue
                }
                if !Self.instructionNames.contains(name.uppercased()) {
                    unknown(node)
                } else {
                    error(ID.noStage, "no build stage in current context", node)
                }
                continue
            }
            dispatch(node, &current!, globals: globalValues, stages: stages, used: &usedBuildArgs, addImage: addImage)
        }
        finishStage()
        if stages.isEmpty && !diagnostics.hasErrors {
            diagnostics.error(ID.noStage, "dockerfile contains no stages to build", at: ast.nodes.first.map(\.location))
        }
        if !stages.isEmpty { stages[stages.count - 1].isFinal = true }
        for k in buildArgs.keys.sorted() where !usedBuildArgs.contains(k) {
            diagnostics.warning(ID.buildArg, "build argument \(k) is not declared by any ARG in the Containerfile", at: .flag("--build-arg", k))
        }
        return ContainerfileModel(globalArgs: globalArgs, stages: stages, images: images, escapeToken: String(ast.escapeToken))
    }

    private func unknown(_ node: ContainerfileNode) {
        var message = "unknown instruction: \(node.command)"
        if let s = Suggest.closest(node.command, in: Self.instructionNames, caseSensitive: false) { message += " (did you mean \(s)?)" }
        error(ID.unknownInstruction, message, node)
    }

    /// FROM: stage name, base expanded with the global ARGs, --platform.
    private func from(_ node: ContainerfileNode, index: Int, globals: [String: String], stages: [ContainerfileStage]) -> StageState? {
        let args = node.args
        var stageName: String? = nil
        if args.count == 3 && args[1].lowercased() == "as" {
            let n = args[2].lowercased()
            if !Self.isValidStageName(n) {
                error(ID.stage, "invalid name for build stage: \(GoText.quote(args[2])), name can't start with a number or contain symbols", node)
                return nil
            }
            stageName = n
        } else if args.count != 1 {
            error(ID.arguments, "FROM requires either one or three arguments", node)
            return nil
        }
        guard let f = flags(node, ["platform": .string]) else { return nil }
        if let n = stageName, stages.contains(where: { $0.name == n }) {
            error(ID.stage, "duplicate stage name \(GoText.quote(n))", node)
            return nil
        }
        guard let base = expand(args[0], globals, node) else { return nil }
        if base.isEmpty {
            error(ID.stage, "base name (\(args[0])) should not be blank", node)
            return nil
        }
        var platform: String? = nil
        if let p = f.string("platform"), let v = expand(p, globals, node), !v.isEmpty { platform = v }
        let baseStage = stages.firstIndex(where: { $0.name != nil && $0.name == base.lowercased() })
        var stage = ContainerfileStage(index: index, name: stageName, base: base, baseRaw: args[0], baseStage: baseStage, platform: platform, isFinal: false, location: node.location)
        stage.isFinal = false
        return StageState(stage: stage)
    }

    static func isValidStageName(_ s: String) -> Bool {
        // ^[a-z][a-z0-9-_.]*$
        let u = Array(s.utf8)
        guard let f = u.first, f >= 0x61 && f <= 0x7A else { return false }
        return u.dropFirst().allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// The image configuration a stage inherits from an earlier stage.
    private func inherit(_ s: inout ContainerfileStage, from b: ContainerfileStage) {
        s.env = b.env
        s.labels = b.labels
        s.expose = b.expose
        s.volumes = b.volumes
        s.workdir = b.workdir
        s.user = b.user
        s.cmd = b.cmd
        s.entrypoint = b.entrypoint
        s.shell = b.shell
        s.healthcheck = b.healthcheck
        s.stopSignal = b.stopSignal
    }

    /// ARG: names and defaults expanded; the value is the build-arg override,
    /// else the default, else the global ARG of the same name.
    private func arg(_ node: ContainerfileNode, env: [String: String], globals: [String: String], used: inout Set<String>) -> [ContainerfileArg] {
        if node.args.isEmpty {
            error(ID.arguments, "ARG requires at least one argument", node)
            return []
        }
        var out: [ContainerfileArg] = []
        var env = env
        for word in node.args {
            var key = word
            var def: String? = nil
            if let eq = word.firstIndex(of: "=") {
                key = String(word[..<eq])
                def = String(word[word.index(after: eq)...])
                if key.isEmpty {
                    error(ID.arguments, "ARG names can not be blank", node)
                    return out
                }
            }
            guard let k = expand(key, env, node) else { continue }
            var expandedDefault: String? = nil
            if let d = def {
                guard let v = expand(d, env, node) else { continue }
                expandedDefault = v
            }
            var value = expandedDefault
            var overridden = false
            if let o = buildArgs[k] {
                value = o
                overridden = true
                used.insert(k)
            } else if value == nil, let g = globals[k] {
                value = g
            }
            if let v = value { env[k] = v }
            out.append(ContainerfileArg(name: k, defaultValue: expandedDefault, value: value, overridden: overridden, location: node.location))
        }
        return out
    }

    private func kvps(_ node: ContainerfileNode, _ cmd: String) -> [(String, String)]? {
        let args = node.args
        if args.isEmpty {
            error(ID.arguments, "\(cmd) requires at least one argument", node)
            return nil
        }
        if args.count % 2 != 0 {
            error(ID.arguments, "Bad input to \(cmd), too many arguments", node)
            return nil
        }
        var out: [(String, String)] = []
        var j = 0
        while j < args.count {
            if args[j].isEmpty {
                error(ID.arguments, "\(cmd) names can not be blank", node)
                return nil
            }
            out.append((args[j], args[j + 1]))
            j += 2
        }
        return out
    }

    private func exactlyOne(_ node: ContainerfileNode, _ cmd: String) -> String? {
        guard node.args.count == 1 else {
            error(ID.arguments, "\(cmd) requires exactly one argument", node)
            return nil
        }
        return node.args[0]
    }

    private func noFlags(_ node: ContainerfileNode) -> Bool {
        flags(node, [:]) != nil
    }

    private func dispatch(_ node: ContainerfileNode, _ st: inout StageState, globals: [String: String], stages: [ContainerfileStage], used: inout Set<String>, addImage: (String, SourceLocation) -> Void) {
        let loc = node.location
        switch node.name {
        case "arg":
            for a in arg(node, env: st.expansionEnv, globals: globals, used: &used) {
                st.stage.args.append(a)
                if let v = a.value { st.args[a.name] = v } else { st.args[a.name] = nil }
            }
        case "env":
            guard noFlags(node), let pairs = kvps(node, "ENV") else { return }
            let env = st.expansionEnv
            var expanded: [(String, String)] = []
            for (k, v) in pairs {
                guard let ek = expand(k, env, node), let ev = expand(v, env, node) else { return }
                expanded.append((ek, ev))
            }
            for (k, v) in expanded { st.setEnv(k, v, loc) }
        case "label":
            guard noFlags(node), let pairs = kvps(node, "LABEL") else { return }
            let env = st.expansionEnv
            for (k, v) in pairs {
                guard let ek = expand(k, env, node), let ev = expand(v, env, node) else { return }
                if let i = st.stage.labels.firstIndex(where: { $0.key == ek }) {
                    st.stage.labels[i] = ContainerfileKeyValue(key: ek, value: ev, location: loc)
                } else {
                    st.stage.labels.append(ContainerfileKeyValue(key: ek, value: ev, location: loc))
                }
            }
        case "expose":
            if node.args.isEmpty {
                error(ID.arguments, "EXPOSE requires at least one argument", node)
                return
            }
            guard noFlags(node) else { return }
            let env = st.expansionEnv
            for a in node.args {
                guard let items = expandWords(a, env, node) else { return }
                for item in items {
                    let port = Self.parsePort(item, loc)
                    if port.port == nil {
                        diagnostics.warning(ID.expose, "invalid port in EXPOSE: \(item)", at: loc)
                    }
                    st.stage.expose.append(port)
                }
            }
        case "volume":
            if node.args.isEmpty {
                error(ID.arguments, "VOLUME requires at least one argument", node)
                return
            }
            guard noFlags(node) else { return }
            let env = st.expansionEnv
            for a in node.args {
                guard let v = expand(a, env, node) else { return }
                let (s, e) = GoText.trimSpace(Array(v.utf8), 0, v.utf8.count)
                let trimmed = String(decoding: Array(v.utf8)[s..<e], as: UTF8.self)
                if trimmed.isEmpty {
                    error(ID.arguments, "VOLUME specified can not be an empty string", node)
                    return
                }
                st.stage.volumes.append(ContainerfileValue(trimmed, location: loc))
            }
        case "workdir":
            guard let raw = exactlyOne(node, "WORKDIR"), noFlags(node) else { return }
            guard let p = expand(raw, st.expansionEnv, node) else { return }
            let base = st.stage.workdir?.value ?? "/"
            st.stage.workdir = ContainerfileValue(Self.resolveWorkdir(base, p), location: loc)
        case "user":
            guard let raw = exactlyOne(node, "USER"), noFlags(node) else { return }
            guard let u = expand(raw, st.expansionEnv, node) else { return }
            st.stage.user = ContainerfileValue(u, location: loc)
        case "stopsignal":
            guard let raw = exactlyOne(node, "STOPSIGNAL") else { return }
            guard let s = expand(raw, st.expansionEnv, node) else { return }
            st.stage.stopSignal = ContainerfileValue(s, location: loc)
        case "maintainer":
            _ = exactlyOne(node, "MAINTAINER")
            _ = noFlags(node)
        case "cmd":
            guard noFlags(node) else { return }
            st.stage.cmd = ContainerfileCommand(exec: node.isJSON, args: node.args, location: loc)
            st.cmdSet = true
        case "entrypoint":
            guard noFlags(node) else { return }
            st.stage.entrypoint = node.args.isEmpty && node.isJSON ? nil : ContainerfileCommand(exec: node.isJSON, args: node.args, location: loc)
            if node.args.isEmpty && !node.isJSON { st.stage.entrypoint = nil }
            if !st.cmdSet { st.stage.cmd = nil }
        case "shell":
            guard noFlags(node) else { return }
            if node.args.isEmpty {
                error(ID.arguments, "SHELL requires at least one argument", node)
            } else if !node.isJSON {
                error(ID.arguments, "SHELL requires the arguments to be in JSON form", node)
            } else {
                st.stage.shell = ContainerfileCommand(exec: true, args: node.args, location: loc)
            }
        case "healthcheck":
            if let h = healthcheck(node) { st.stage.healthcheck = h }
        case "run":
            guard let f = flags(node, ["mount": .strings, "network": .string, "security": .string]) else { return }
            for m in f.strings("mount") {
                for field in m.split(separator: ",") where field.lowercased().hasPrefix("from=") {
                    let ref = String(field.dropFirst(5))
                    if let v = expand(ref, st.expansionEnv, node), !v.isEmpty, !isStageRef(v, stages) {
                        addImage(v, loc)
                    }
                }
            }
        case "copy", "add":
            let cmd = node.name.uppercased()
            if node.args.count < 2 {
                error(ID.arguments, "\(cmd) requires at least two arguments, but only one was provided. Destination could not be determined", node)
                return
            }
            let kinds: [String: BuilderFlags.Kind] = cmd == "COPY"
                ? ["chown": .string, "from": .string, "chmod": .string, "link": .bool, "parents": .bool, "exclude": .strings]
                : ["chown": .string, "chmod": .string, "link": .bool, "keep-git-dir": .bool, "checksum": .string, "exclude": .strings, "unpack": .bool]
            guard let f = flags(node, kinds) else { return }
            if (try? ContainerfileParser.parseHeredocWord(node.args.last!)) != nil {
                error(ID.arguments, "\(cmd) cannot accept a heredoc as a destination", node)
                return
            }
            let env = st.expansionEnv
            for a in node.args where (try? ContainerfileParser.parseHeredocWord(a)) == nil {
                _ = expand(a, env, node)
            }
            if let from = f.string("from"), let v = expand(from, env, node), !v.isEmpty, !isStageRef(v, stages) {
                addImage(v, loc)
            }
        case "onbuild":
            guard noFlags(node) else { return }
            guard let trigger = node.trigger else {
                error(ID.arguments, "ONBUILD requires at least one argument", node)
                return
            }
            let t = trigger.command.uppercased()
            switch t {
            case "ONBUILD":
                error(ID.arguments, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", node)
            case "MAINTAINER", "FROM":
                error(ID.arguments, "\(t) isn't allowed as an ONBUILD trigger", node)
            default:
                var expr = Self.dropOnbuildKeyword(node.original)
                for h in node.heredocs { expr += "\n" + h.content + h.name }
                st.stage.onbuild.append(ContainerfileValue(expr, location: loc))
            }
        default:
            unknown(node)
        }
    }

    /// BuildKit's `(?i)^\s*ONBUILD\s*` removal (`\s` is `[\t\n\f\r ]`).
    static func dropOnbuildKeyword(_ original: String) -> String {
        let u = Array(original.utf8)
        func isS(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
        var i = 0
        while i < u.count && isS(u[i]) { i += 1 }
        let word = Array("onbuild".utf8)
        guard i + word.count <= u.count, (0..<word.count).allSatisfy({ u[i + $0] | 0x20 == word[$0] }) else { return original }
        i += word.count
        while i < u.count && isS(u[i]) { i += 1 }
        return String(decoding: u[i...], as: UTF8.self)
    }

    private func isStageRef(_ ref: String, _ stages: [ContainerfileStage]) -> Bool {
        let r = ref.lowercased()
        if let i = Int(r), i >= 0, i < stages.count + 1 { return true }
        return stages.contains { $0.name == r }
    }

    private func healthcheck(_ node: ContainerfileNode) -> ContainerfileHealthcheck? {
        guard let first = node.args.first else {
            error(ID.arguments, "HEALTHCHECK requires at least one argument", node)
            return nil
        }
        let typ = first.uppercased()
        let rest = Array(node.args.dropFirst())
        if typ == "NONE" {
            if !rest.isEmpty {
                error(ID.healthcheck, "HEALTHCHECK NONE takes no arguments", node)
                return nil
            }
            return ContainerfileHealthcheck(test: ["NONE"], location: node.location)
        }
        guard let f = flags(node, ["interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string, "retries": .string]) else { return nil }
        guard typ == "CMD" else {
            error(ID.healthcheck, "Unknown type \(GoText.quote(typ)) in HEALTHCHECK (try CMD)", node)
            return nil
        }
        if rest.isEmpty {
            error(ID.healthcheck, "Missing command after HEALTHCHECK CMD", node)
            return nil
        }
        var h = ContainerfileHealthcheck(test: [node.isJSON ? "CMD" : "CMD-SHELL"] + rest, location: node.location)
        for (flag, path) in [("interval", \ContainerfileHealthcheck.interval), ("timeout", \.timeout), ("start-period", \.startPeriod), ("start-interval", \.startInterval)] {
            guard let v = f.string(flag), !v.isEmpty else { continue }
            switch GoDuration.parse(v) {
            case .failure(let e):
                error(ID.healthcheck, e.message, node)
                return nil
            case .success(let ns):
                if ns != 0 && ns < 1_000_000 {
                    error(ID.healthcheck, "Interval \(GoText.quote(flag)) cannot be less than 1ms", node)
                    return nil
                }
                h[keyPath: path] = v
            }
        }
        if let r = f.string("retries"), !r.isEmpty {
            guard let n = Int32(r) else {
                let why = r.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) && r.contains(where: \.isNumber) ? "value out of range" : "invalid syntax"
                error(ID.healthcheck, "strconv.ParseInt: parsing \(GoText.quote(r)): \(why)", node)
                return nil
            }
            if n < 0 {
                error(ID.healthcheck, "--retries cannot be negative (\(n))", node)
                return nil
            }
            h.retries = Int(n)
        }
        return h
    }

    /// WORKDIR: an absolute path replaces, a relative one is joined; the result is cleaned.
    static func resolveWorkdir(_ current: String, _ p: String) -> String {
        let joined = p.hasPrefix("/") ? p : current + "/" + p
        var parts: [Substring] = []
        for c in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// An EXPOSE item: `port[-end][/proto]`.
    static func parsePort(_ item: String, _ loc: SourceLocation) -> ContainerfilePort {
        var spec = Substring(item)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = spec[spec.index(after: slash)...].lowercased()
            spec = spec[..<slash]
        }
        let bad = ContainerfilePort(raw: item, port: nil, endPort: nil, proto: proto, location: loc)
        guard ["tcp", "udp", "sctp"].contains(proto) else { return bad }
        func num(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.utf8.count <= 5, s.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(s), v <= 65535 else { return nil }
            return v
        }
        if let dash = spec.firstIndex(of: "-") {
            guard let a = num(spec[..<dash]), let b = num(spec[spec.index(after: dash)...]), b >= a else { return bad }
            return ContainerfilePort(raw: item, port: a, endPort: b, proto: proto, location: loc)
        }
        guard let p = num(spec) else { return bad }
        return ContainerfilePort(raw: item, port: p, endPort: nil, proto: proto, location: loc)
    }
}

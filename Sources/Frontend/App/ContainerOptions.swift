import IR

/// `--copt` flags, parsed: resources, replicas and raw engine flags.
package struct ContainerOptions: Hashable, Sendable {
    package var resources = Resources()
    package var engineFlags: [EngineFlag] = []

    /// The bare keys openrun understands.
    package static let knownKeys = ["cpus", "memory", "min_replicas", "max_replicas"]

    /// Parses every `--copt` value; errors for bad values, a warning for an unknown bare key.
    package static func parse(_ raws: [String], into diags: Diagnostics) -> ContainerOptions {
        var out = ContainerOptions()
        for raw in raws {
            guard let kv = KeyValueFlag.parse(flag: "--copt", raw, valueOptional: true, into: diags) else { continue }
            if let dot = kv.key.firstIndex(of: "."), let engine = EngineFlag.Engine(rawValue: String(kv.key[..<dot])) {
                var name = String(kv.key[kv.key.index(after: dot)...])
                while name.hasPrefix("-") { name.removeFirst() }
                // kubernetes.nodeSelector.kubernetes.io/arch=...: dots and slashes belong to the key.
                let extra: Set<Unicode.Scalar> = engine == .kubernetes ? [".", "/"] : []
                guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || extra.contains($0) }) else {
                    diags.error("copt.engine-flag-invalid", "\"\(kv.key)\" is not a valid \(engine.rawValue) flag name", at: kv.location)
                    continue
                }
                out.engineFlags.append(EngineFlag(engine: engine, name: name, value: kv.hasValue ? kv.value : nil, location: kv.location))
                continue
            }
            guard kv.hasValue else {
                if knownKeys.contains(kv.key) {
                    diags.error("flags.malformed", "--copt \(kv.key) needs a value: --copt \(kv.key)=VALUE", at: kv.location)
                } else {
                    diags.warning("copt.unknown", unknownMessage(kv.key), at: kv.location)
                }
                continue
            }
            switch kv.key {
            case "cpus":
                if let m = parseCPUMillis(kv.value) { out.resources.cpuMillis = m }
                else { diags.error("copt.cpus-invalid", "cpus must be a number of cores (2, 0.5) or a Kubernetes quantity (500m), got \"\(kv.value)\"", at: kv.location) }
            case "memory":
                if let b = parseMemoryBytes(kv.value) { out.resources.memoryBytes = b }
                else { diags.error("copt.memory-invalid", "memory must be a size like 512m, 1g, 512Mi or 1Gi, got \"\(kv.value)\"", at: kv.location) }
            case "min_replicas", "max_replicas":
                guard let n = Int(kv.value), n >= 0 else {
                    diags.error("copt.replicas-invalid", "\(kv.key) must be a whole number >= 0, got \"\(kv.value)\"", at: kv.location)
                    continue
                }
                if kv.key == "min_replicas" { out.resources.minReplicas = n } else { out.resources.maxReplicas = n }
            default:
                diags.warning("copt.unknown", unknownMessage(kv.key), at: kv.location)
            }
        }
        if let lo = out.resources.minReplicas, let hi = out.resources.maxReplicas, lo > hi {
            diags.error("copt.replicas-invalid", "min_replicas (\(lo)) is greater than max_replicas (\(hi))", at: .file("--copt"))
        }
        return out
    }

    static func unknownMessage(_ key: String) -> String {
        "unknown container option \"\(key)\" is ignored; known: \(knownKeys.joined(separator: ", ")), or docker.FLAG=VALUE / podman.FLAG=VALUE for raw engine flags, kubernetes.SETTING=VALUE for the pod spec"
    }

    /// `2` → 2000, `0.5` → 500, `500m` → 500. Nil for anything else or zero.
    package static func parseCPUMillis(_ s: String) -> Int? {
        if s.hasSuffix("m") {
            guard let n = Int(s.dropLast()), n > 0 else { return nil }
            return n
        }
        guard let d = Double(s), d > 0, d.isFinite, d <= 1_000_000 else { return nil }
        let m = (d * 1000).rounded()
        return m >= 1 ? Int(m) : nil
    }

    /// Docker-style sizes (`b`, `k`, `m`, `g`, `t`, either case, binary multiples),
    /// Kubernetes binary suffixes (`Ki`, `Mi`, `Gi`, `Ti`) and decimal ones
    /// (`kB`/`KB`, `MB`, `GB`, `TB`); a bare number is bytes. Nil when invalid or zero.
    package static func parseMemoryBytes(_ s: String) -> Int? {
        let table: [(String, Int)] = [
            ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40),
            ("kB", 1_000), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
            ("b", 1), ("B", 1), ("k", 1 << 10), ("K", 1 << 10), ("m", 1 << 20), ("M", 1 << 20),
            ("g", 1 << 30), ("G", 1 << 30), ("t", 1 << 40), ("T", 1 << 40),
        ]
        var number = Substring(s)
        var multiplier = 1
        for (suffix, m) in table where s.hasSuffix(suffix) {
            number = s.dropLast(suffix.count)
            multiplier = m
            break
        }
        guard !number.isEmpty, let d = Double(number), d > 0, d.isFinite else { return nil }
        let bytes = d * Double(multiplier)
        guard bytes >= 1, bytes < 9.0e18 else { return nil }
        return Int(bytes.rounded())
    }
}

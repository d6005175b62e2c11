import BigInt
import IR

extension IRValue {
    /// The plain-data form of a Starlark value (dict keys as strings; other values by repr).
    init(starlark v: Starlark.Value) {
        if v.isNone { self = .null; return }
        if let b = v.asBool, case .bool = v { self = .bool(b); return }
        switch v {
        case .int(let i): self = .int(i)
        case .bigInt(let b): self = .bigInt(String(describing: b.value))
        case .float(let d): self = .float(d)
        default:
            if let s = v.asString { self = .string(s); return }
            if let d = v.asDictEntries {
                self = .dict(d.map { k, val in IRValue.Entry(k.asString ?? k.repr, IRValue(starlark: val)) })
                return
            }
            if let a = v.asArray { self = .list(a.map(IRValue.init(starlark:))); return }
            self = .string(v.repr)
        }
    }

    /// The Starlark value of plain data (for the `param` module).
    var starlark: Starlark.Value {
        switch self {
        case .null: .none
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .bigInt(let s): BigInt(s).map { Starlark.Value.int($0) } ?? .str(s)
        case .float(let d): .float(d)
        case .string(let s): .str(s)
        case .list(let items): .list(items.map(\.starlark))
        case .dict(let entries): makeStarlarkDict(entries.map { (Starlark.Value.str($0.key), $0.value.starlark) })
        }
    }

    /// Go's `fmt.Sprintf("%v")` of the value OpenRun would hold, for `cargs`:
    /// strings as is, bools true/false, lists `[a b]`, dicts `map[k:v]` (sorted keys).
    var goFormatted: String {
        switch self {
        case .null: "<nil>"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .bigInt(let s): s
        case .float(let d): IRValue.float(d).environmentString
        case .string(let s): s
        case .list(let items): "[" + items.map(\.goFormatted).joined(separator: " ") + "]"
        case .dict(let entries): "map[" + entries.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.goFormatted)" }.joined(separator: " ") + "]"
        }
    }
}

/// A Starlark dict of entries whose keys are hashable (strings here).
func makeStarlarkDict(_ entries: [(Starlark.Value, Starlark.Value)]) -> Starlark.Value {
    .dict((try? Starlark.Dict(entries)) ?? Starlark.Dict())
}

extension Starlark.Error {
    /// The error as a diagnostic for app.star/params.star users: like
    /// `diagnostic`, but a run of identical frames (deep recursion) becomes
    /// one note saying how often it repeats.
    var compactDiagnostic: Diagnostic {
        var d = diagnostic
        var notes: [Diagnostic.Note] = []
        var i = 0
        while i < d.notes.count {
            var j = i + 1
            while j < d.notes.count, d.notes[j] == d.notes[i] { j += 1 }
            let repeats = j - i
            notes.append(repeats > 2 ? Diagnostic.Note("\(d.notes[i].message) (\(repeats) times)", at: d.notes[i].location) : d.notes[i])
            if repeats == 2 { notes.append(d.notes[i]) }
            i = j
        }
        d.notes = notes
        return d
    }
}

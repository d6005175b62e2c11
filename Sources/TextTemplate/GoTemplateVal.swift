/// A value during execution, as Go's reflect sees it: missing (an invalid
/// `reflect.Value`, printed `<no value>`), or a value that may sit inside an
/// `interface{}` (`boxed`: read from a map or list element), which changes
/// how Go names its type in errors.
enum GoTemplateVal {
    case invalid
    case value(TemplateValue, boxed: Bool)
    /// A byte from indexing a string (Go's uint8): prints and compares as
    /// a number, but errors name its type `uint8`.
    case byte(UInt8)

    /// Wraps a Go value; nil outside an interface is "no value".
    static func plain(_ v: TemplateValue) -> GoTemplateVal {
        if case .nil = v { return .invalid }
        return .value(v, boxed: false)
    }

    /// Go's `indirectInterface`: the concrete value, forgetting the interface.
    var unboxed: GoTemplateVal {
        switch self {
        case .invalid: return .invalid
        case .value(let v, _): return .plain(v)
        case .byte: return self
        }
    }

    /// The value handed to a function parameter of type `any` (nil when missing).
    var asInterface: TemplateValue {
        switch self {
        case .invalid: return .nil
        case .value(let v, _): return v
        case .byte(let b): return .int(Int(b))
        }
    }
}

/// How execution stops early: an error (message, byte offset, and the node
/// Go would name in "at <...>"), or `break`/`continue` unwinding to a range.
enum GoTemplateSignal: Error {
    case failure(String, Int, String)
    case breakLoop
    case continueLoop
}

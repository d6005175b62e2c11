import Foundation

/// The escapers behind `html`, `js` and `urlquery`.
enum GoTemplateEscaping {
    /// template.HTMLEscapeString.
    static func html(_ s: String) -> String {
        var out = ""
        for r in s.unicodeScalars {
            switch r {
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(r)
            }
        }
        return out
    }

    /// template.JSEscapeString.
    static func js(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for r in s.unicodeScalars {
            switch r {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if r.value < 0x20 {
                    out += "\\u00"
                    out.append(hex[Int(r.value >> 4)])
                    out.append(hex[Int(r.value & 0xF)])
                } else if r.value >= 0x80 && !GoFormat.isPrint(r) {
                    out += "\\u" + String(format: "%04X", r.value)
                } else {
                    out.unicodeScalars.append(r)
                }
            }
        }
        return out
    }

    /// url.QueryEscape: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func queryEscape(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%"
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return out
    }
}

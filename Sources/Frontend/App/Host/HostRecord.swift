import IR

/// A value the host API returns (`ace.app(...)`, `proxy.config(...)`, ...):
/// a struct-like record with attributes, carrying what the lowering needs.
final class HostRecord: Starlark.HostObject, Starlark.HasAttrs {
    enum Payload {
        case app(AppDeclaration)
        case route(RouteDeclaration)
        case proxyConfig(ProxyConfig)
        case containerConfig(ContainerConfig)
        case permission(PermissionIR)
        /// html, api, fragment, style, ... (recorded, not acted on)
        case recorded(String)
    }

    let constructorName: String
    let fields: [(String, Starlark.Value)]
    let payload: Payload

    init(_ constructorName: String, fields: [(String, Starlark.Value)], payload: Payload) {
        self.constructorName = constructorName
        self.fields = fields.sorted { $0.0 < $1.0 }
        self.payload = payload
    }

    override var typeName: String { constructorName }

    func attr(_ name: String) throws -> Starlark.Value? {
        for (k, v) in fields where k == name { return v }
        return nil
    }

    var attrNames: [String] { fields.map(\.0) }

    override func repr() -> String {
        constructorName + "(" + fields.map { "\($0.0) = \($0.1.repr)" }.joined(separator: ", ") + ")"
    }

    override func freeze() { for (_, v) in fields { v.freeze() } }
}

/// `traefik.io/v1alpha1` Middleware removing the app path before the
/// request reaches the app (Traefik's form of `strip_app`).
package struct TraefikMiddleware: KubernetesObject, Equatable {
    package var metadata: ObjectMeta
    package var prefixes: [String]

    package init(metadata: ObjectMeta, prefixes: [String]) {
        self.metadata = metadata
        self.prefixes = prefixes
    }

    package var apiVersion: String { "traefik.io/v1alpha1" }
    package var kind: String { "Middleware" }
    package var body: [(String, YAMLNode?)] {
        [("spec", ["stripPrefix": ["prefixes": .sequence(prefixes.map(YAMLNode.string))]])]
    }
}

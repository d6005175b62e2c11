import IR
import Testing

@Suite("Naming")
struct NamingTests {
    struct SlugCase: CustomTestStringConvertible, Sendable {
        var domain: String?
        var path: String
        var slug: String
        var testDescription: String { "\(domain ?? "-"):\(path) → \(slug)" }
    }

    /// Exact slugs. The hashes are Naming.shortHash of `domain:path`.
    static let slugCases: [SlugCase] = [
        SlugCase(domain: "example.com", path: "/app/x", slug: "example-com-app-x"),
        SlugCase(domain: nil, path: "/", slug: "root"),
        SlugCase(domain: "", path: "/", slug: "root"),
        SlugCase(domain: "example.com", path: "/", slug: "example-com"),
        SlugCase(domain: nil, path: "/goapp", slug: "goapp"),
        SlugCase(domain: "nginxapp.localhost", path: "/", slug: "nginxapp-localhost"),
        SlugCase(domain: nil, path: "/a/b/c", slug: "a-b-c"),
        // Lossy: a hash of the exact input is appended.
        SlugCase(domain: nil, path: "/streamlit_app", slug: "streamlit-app-" + Naming.shortHash(":/streamlit_app")),
        SlugCase(domain: nil, path: "/App", slug: "app-" + Naming.shortHash(":/App")),
        SlugCase(domain: nil, path: "/app/", slug: "app-" + Naming.shortHash(":/app/")),
        SlugCase(domain: nil, path: "/a//b", slug: "a-b-" + Naming.shortHash(":/a//b")),
        SlugCase(domain: nil, path: "/root", slug: "root-" + Naming.shortHash(":/root")),
        SlugCase(domain: nil, path: "/x", slug: "x-" + Naming.shortHash(":/x")),
        SlugCase(domain: nil, path: "/2048", slug: "app-2048-" + Naming.shortHash(":/2048")),
        SlugCase(domain: "my-app.example.com", path: "/", slug: "my-app-example-com-" + Naming.shortHash("my-app.example.com:/")),
        SlugCase(domain: nil, path: "/über", slug: "ber-" + Naming.shortHash(":/über")),
        SlugCase(domain: nil, path: "/---", slug: "app-" + Naming.shortHash(":/---")),
        SlugCase(domain: "counter.", path: "/", slug: "counter-" + Naming.shortHash("counter.:/")),
    ]

    @Test("slugs from domain and path", arguments: slugCases)
    func slugs(_ c: SlugCase) {
        let slug = Naming.appSlug(domain: c.domain, path: c.path)
        #expect(slug == c.slug)
        #expect(Naming.isValidDNS1035Label(slug), "\(slug)")
        #expect(Naming.isValidDockerName(slug), "\(slug)")
        #expect(slug.count <= Naming.slugMaxLength)
    }

    @Test("app paths as the CLI writes them")
    func appPaths() {
        #expect(Naming.appSlug(appPath: "example.com:/app/x") == "example-com-app-x")
        #expect(Naming.appSlug(appPath: "/") == "root")
        #expect(Naming.appSlug(appPath: "/goapp") == "goapp")
        #expect(Naming.appSlug(appPath: "nginxapp.localhost:/") == "nginxapp-localhost")
        #expect(Naming.appSlug(appPath: "counter.:") == Naming.appSlug(domain: "counter.", path: "/"))
        #expect(Naming.appSlug(appPath: "/streamlit_app") == Naming.appSlug(domain: nil, path: "/streamlit_app"))
    }

    @Test("long inputs are shortened to 40 with a hash, deterministically")
    func longSlugs() {
        let path = "/" + String(repeating: "segment/", count: 20) + "end"
        let slug = Naming.appSlug(domain: "a-very-long-domain-name.example.com", path: path)
        #expect(slug.count <= 40)
        #expect(slug.hasSuffix("-" + Naming.shortHash("a-very-long-domain-name.example.com:" + path)))
        #expect(slug == "a-very-long-domain-name-example-" + Naming.shortHash("a-very-long-domain-name.example.com:" + path))
        #expect(slug == Naming.appSlug(domain: "a-very-long-domain-name.example.com", path: path))
        #expect(Naming.isValidDNS1123Label(slug))
        // A pure-alphanumeric but too-long identity is shortened too.
        let long = "/" + String(repeating: "a", count: 60)
        let s2 = Naming.appSlug(domain: nil, path: long)
        #expect(s2 == String(repeating: "a", count: 31) + "-" + Naming.shortHash(":" + long))
    }

    @Test("different identities differ unless their tokens are the same")
    func collisions() {
        let identities: [(String?, String)] = [
            (nil, "/"), (nil, "/root"), (nil, "/app"), (nil, "/App"), (nil, "/app/"), (nil, "/a-b"), (nil, "/a_b"),
            (nil, "/a/b"), ("a.b", "/"), ("x.com", "/a"), ("x.com", "/A"), (nil, "/x.com/a"), ("x.com", "/a/"),
        ]
        var seen: [String: String] = [:]
        var clashes: [String] = []
        for (d, p) in identities {
            let slug = Naming.appSlug(domain: d, path: p)
            let key = "\(d ?? ""):\(p)"
            if let other = seen[slug] { clashes.append("\(other) and \(key) → \(slug)") }
            seen[slug] = key
        }
        // The documented residue: same lowercase tokens in the same order.
        #expect(clashes == [":/a/b and a.b:/ → a-b"])
    }

    @Test("FNV-1a 64 matches the published test vectors")
    func fnv() {
        #expect(Naming.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(Naming.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Naming.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        #expect(Naming.shortHash("") == "4fd0bfc1")  // 0xcbf29ce4 ^ 0x84222325
        #expect(Naming.shortHash("x").count == 8)
    }

    struct ValidityCase: CustomTestStringConvertible, Sendable {
        var name: String
        var valid: Bool
        var testDescription: String { "\(name.debugDescription) \(valid ? "valid" : "invalid")" }
    }

    static let labelCases: [ValidityCase] = [
        .init(name: "a", valid: true), .init(name: "app-1", valid: true), .init(name: "1app", valid: true),
        .init(name: String(repeating: "a", count: 63), valid: true),
        .init(name: String(repeating: "a", count: 64), valid: false),
        .init(name: "", valid: false), .init(name: "-a", valid: false), .init(name: "a-", valid: false),
        .init(name: "A", valid: false), .init(name: "a_b", valid: false), .init(name: "a.b", valid: false),
    ]

    @Test("DNS-1123 labels", arguments: labelCases)
    func dns1123Label(_ c: ValidityCase) {
        #expect(Naming.isValidDNS1123Label(c.name) == c.valid)
    }

    static let subdomainCases: [ValidityCase] = [
        .init(name: "example.com", valid: true), .init(name: "a", valid: true), .init(name: "a-1.b-2.c", valid: true),
        .init(name: String(repeating: "a.", count: 126) + "a", valid: true),
        .init(name: String(repeating: "a.", count: 127), valid: false),
        .init(name: "a..b", valid: false), .init(name: ".a", valid: false), .init(name: "a.", valid: false),
        .init(name: "A.com", valid: false), .init(name: "a_b.com", valid: false), .init(name: "-a.com", valid: false),
    ]

    @Test("DNS-1123 subdomains", arguments: subdomainCases)
    func dns1123Subdomain(_ c: ValidityCase) {
        #expect(Naming.isValidDNS1123Subdomain(c.name) == c.valid)
    }

    @Test("DNS-1035 labels start with a letter")
    func dns1035() {
        #expect(Naming.isValidDNS1035Label("app-1"))
        #expect(!Naming.isValidDNS1035Label("1app"))
        #expect(!Naming.isValidDNS1035Label(""))
    }

    static let dockerCases: [ValidityCase] = [
        .init(name: "ab", valid: true), .init(name: "My_App.1-x", valid: true), .init(name: "0x", valid: true),
        .init(name: "a", valid: false), .init(name: "_ab", valid: false), .init(name: ".ab", valid: false),
        .init(name: "a b", valid: false), .init(name: "a/b", valid: false), .init(name: "a:b", valid: false),
        .init(name: String(repeating: "a", count: 129), valid: false),
    ]

    @Test("Docker container and volume names", arguments: dockerCases)
    func dockerName(_ c: ValidityCase) {
        #expect(Naming.isValidDockerName(c.name) == c.valid)
    }

    static let repositoryCases: [ValidityCase] = [
        .init(name: "nginx", valid: true), .init(name: "library/nginx", valid: true), .init(name: "a.b_c__d---e/f", valid: true),
        .init(name: "openrun/example-com-app-x", valid: true),
        .init(name: "Nginx", valid: false), .init(name: "a___b", valid: false), .init(name: "a_", valid: false),
        .init(name: "-a", valid: false), .init(name: "a//b", valid: false), .init(name: "a..b", valid: false),
        .init(name: "", valid: false), .init(name: "a:b", valid: false),
    ]

    @Test("image repositories", arguments: repositoryCases)
    func imageRepository(_ c: ValidityCase) {
        #expect(Naming.isValidImageRepository(c.name) == c.valid)
    }

    static let tagCases: [ValidityCase] = [
        .init(name: "latest", valid: true), .init(name: "v1.2.3-rc_1", valid: true), .init(name: "_x", valid: true),
        .init(name: "sha-0123abcd", valid: true), .init(name: String(repeating: "a", count: 128), valid: true),
        .init(name: String(repeating: "a", count: 129), valid: false), .init(name: ".x", valid: false),
        .init(name: "-x", valid: false), .init(name: "a:b", valid: false), .init(name: "", valid: false),
    ]

    @Test("image tags", arguments: tagCases)
    func imageTag(_ c: ValidityCase) {
        #expect(Naming.isValidImageTag(c.name) == c.valid)
    }

    static let unitCases: [ValidityCase] = [
        .init(name: "example-com-app-x.service", valid: true), .init(name: "app.socket", valid: true),
        .init(name: "app-proxy@1.service", valid: true), .init(name: "app@.service", valid: true),
        .init(name: "app.container", valid: true), .init(name: "app-data.volume", valid: true),
        .init(name: "app", valid: false), .init(name: ".service", valid: false), .init(name: "app.unknown", valid: false),
        .init(name: "a b.service", valid: false), .init(name: "a@b@c.service", valid: false),
        .init(name: String(repeating: "a", count: 250) + ".service", valid: false),
    ]

    @Test("systemd unit names", arguments: unitCases)
    func systemdUnit(_ c: ValidityCase) {
        #expect(Naming.isValidSystemdUnitName(c.name) == c.valid)
    }

    /// Hostile inputs every sanitizer must turn into a valid name.
    static let hostile: [String] = [
        "", "-", "..", "/", "App Name!", "ÜBER café", "a__b", "--a--", "_x", ".hidden", "a:b/c@d",
        String(repeating: "x", count: 300), String(repeating: "-a", count: 100), "日本語", "a\u{0}b", "1", "ok",
    ]

    @Test("sanitizers always produce valid names and keep valid ones", arguments: hostile)
    func sanitizers(_ s: String) {
        let label = Naming.dns1123Label(s)
        #expect(Naming.isValidDNS1123Label(label), "\(label)")
        #expect(Naming.isValidDNS1123Subdomain(Naming.dns1123Subdomain(s)), "\(Naming.dns1123Subdomain(s))")
        #expect(Naming.isValidDockerName(Naming.dockerName(s)), "\(Naming.dockerName(s))")
        #expect(Naming.isValidImageRepository(Naming.imageRepositoryComponent(s)), "\(Naming.imageRepositoryComponent(s))")
        #expect(Naming.isValidImageTag(Naming.imageTag(s)), "\(Naming.imageTag(s))")
        #expect(Naming.isValidSystemdUnitName(Naming.systemdUnitName(s, type: "service")))
        let slug = Naming.appSlug(domain: s, path: "/" + s)
        #expect(Naming.isValidDNS1035Label(slug) && slug.count <= 40, "\(slug)")
        // Deterministic.
        #expect(Naming.dns1123Label(s) == label)
    }

    @Test("valid names pass through the sanitizers unchanged")
    func unchanged() {
        #expect(Naming.dns1123Label("example-com-app-x") == "example-com-app-x")
        #expect(Naming.dns1123Subdomain("a.example.com") == "a.example.com")
        #expect(Naming.dockerName("My_App.1") == "My_App.1")
        #expect(Naming.imageRepositoryComponent("example-com-app-x") == "example-com-app-x")
        #expect(Naming.imageTag("sha-0123") == "sha-0123")
        #expect(Naming.dns1123Label("App") == "app-" + Naming.shortHash("App"))
    }

    @Test("derived names stay valid labels within 63", arguments: ["data", "proxy", "uv-cache", "Secret Files!", String(repeating: "v", count: 80), ""])
    func derived(_ suffix: String) {
        for slug in ["root", "example-com-app-x", Naming.appSlug(domain: nil, path: "/" + String(repeating: "s", count: 90))] {
            let name = Naming.derived(slug, suffix)
            #expect(Naming.isValidDNS1123Label(name), "\(name)")
            #expect(Naming.isValidDockerName(name), "\(name)")
            #expect(Naming.isValidSystemdUnitName(name + ".volume"))
        }
        #expect(Naming.derived("example-com-app-x", "data") == "example-com-app-x-data")
    }

    @Test("derived names of one slug differ for different long suffixes")
    func derivedDistinct() {
        let a = Naming.derived("example-com-app-x", String(repeating: "v", count: 60) + "1")
        let b = Naming.derived("example-com-app-x", String(repeating: "v", count: 60) + "2")
        #expect(a != b)
    }
}

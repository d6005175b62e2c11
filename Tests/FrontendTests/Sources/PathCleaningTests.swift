@testable import Frontend
import Testing

@Suite("Path cleaning and containment")
struct PathCleaningTests {
    @Test("Go path.Clean", arguments: [
        ("", "."), (".", "."), ("a/b/", "a/b"), ("./a//b/./c", "a/b/c"), ("a/../..", ".."), ("/../a", "/a"),
        ("a/b/../../c", "c"), ("/", "/"), ("//a", "/a"), ("../../x", "../../x"), ("**/", "**"),
    ])
    func clean(_ input: String, _ expected: String) {
        #expect(PathCleaning.clean(input) == expected)
    }

    @Test("symlink resolution inside a tree")
    func resolver() {
        let r = ContainedPathResolver(links: ["sub/up": "..", "abs": "/etc", "loop": "loop", "d": "a/b", "sub/d2": "../d"])
        #expect(r.resolveLinkTarget("file", at: "x") == .inside("file"))
        #expect(r.resolveLinkTarget("../file", at: "sub/x") == .inside("file"))
        #expect(r.resolveLinkTarget("../../file", at: "sub/x") == .escapes)
        #expect(r.resolveLinkTarget("/etc/passwd", at: "x") == .escapes)
        #expect(r.resolveLinkTarget("sub/up/..", at: "x") == .escapes)
        #expect(r.resolveLinkTarget("abs", at: "x") == .escapes)
        #expect(r.resolveLinkTarget("loop", at: "x") == .loop)
        #expect(r.resolveLinkTarget("sub/d2/..", at: "x") == .inside("a"))
        #expect(r.resolve("d/c") == .inside("a/b/c"))
    }
}

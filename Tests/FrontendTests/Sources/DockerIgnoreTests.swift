@testable import Frontend
import IR
import Testing

/// Cases from moby/patternmatcher's own tests (patternmatcher_test.go), run
/// the way BuildKit's walker runs them (parent results passed down).
@Suite("dockerignore patterns")
struct DockerIgnoreTests {
    struct Case: Sendable, CustomStringConvertible {
        var patterns: [String]
        var path: String
        var ignored: Bool
        var description: String { "\(patterns) \(path) → \(ignored)" }
        init(_ patterns: [String], _ path: String, _ ignored: Bool) {
            self.patterns = patterns
            self.path = path
            self.ignored = ignored
        }
        init(_ pattern: String, _ path: String, _ ignored: Bool) {
            self.init([pattern], path, ignored)
        }
    }

    static let patternmatcherCases: [Case] = [
        Case("**", "file", true), Case("**", "file/", true), Case("**/", "file", true), Case("**/", "file/", true),
        Case("**", "/", true), Case("**/", "/", true), Case("**", "dir/file", true), Case("**/", "dir/file", true),
        Case("**", "dir/file/", true), Case("**/", "dir/file/", true), Case("**/**", "dir/file", true),
        Case("**/**", "dir/file/", true), Case("dir/**", "dir/file", true), Case("dir/**", "dir/file/", true),
        Case("dir/**", "dir/dir2/file", true), Case("dir/**", "dir/dir2/file/", true), Case("**/dir", "dir", true),
        Case("**/dir", "dir/file", true), Case("**/dir2/*", "dir/dir2/file", true), Case("**/dir2/*", "dir/dir2/file/", true),
        Case("**/dir2/**", "dir/dir2/dir3/file", true), Case("**/dir2/**", "dir/dir2/dir3/file/", true),
        Case("**file", "file", true), Case("**file", "dir/file", true), Case("**/file", "dir/file", true),
        Case("**file", "dir/dir/file", true), Case("**/file", "dir/dir/file", true), Case("**/file*", "dir/dir/file", true),
        Case("**/file*", "dir/dir/file.txt", true), Case("**/file*txt", "dir/dir/file.txt", true),
        Case("**/file*.txt", "dir/dir/file.txt", true), Case("**/file*.txt*", "dir/dir/file.txt", true),
        Case("**/**/*.txt", "dir/dir/file.txt", true), Case("**/**/*.txt2", "dir/dir/file.txt", false),
        Case("**/*.txt", "file.txt", true), Case("**/**/*.txt", "file.txt", true), Case("a**/*.txt", "a/file.txt", true),
        Case("a**/*.txt", "a/dir/file.txt", true), Case("a**/*.txt", "a/dir/dir/file.txt", true),
        Case("a/*.txt", "a/dir/file.txt", false), Case("a/*.txt", "a/file.txt", true), Case("a/*.txt**", "a/file.txt", true),
        Case("a[b-d]e", "ae", false), Case("a[b-d]e", "ace", true), Case("a[b-d]e", "aae", false), Case("a[^b-d]e", "aze", true),
        Case(".*", ".foo", true), Case(".*", "foo", false), Case("abc.def", "abcdef", false), Case("abc.def", "abc.def", true),
        Case("abc.def", "abcZdef", false), Case("abc?def", "abcZdef", true), Case("abc?def", "abcdef", false),
        Case("**/foo/bar", "foo/bar", true), Case("**/foo/bar", "dir/foo/bar", true), Case("**/foo/bar", "dir/dir2/foo/bar", true),
        Case("abc/**", "abc", false), Case("abc/**", "abc/def", true), Case("abc/**", "abc/def/ghi", true),
        Case("**/.foo", ".foo", true), Case("**/.foo", "bar.foo", false), Case("a(b)c/def", "a(b)c/def", true),
        Case("a(b)c/def", "a(b)c/xyz", false), Case("a.|)$(}+{bc", "a.|)$(}+{bc", true),
        Case("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
        Case("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true),
        Case("a\\\\", "a\\", true), Case("a\\*b", "a*b", true),
        Case(["**", "!util/docker/web"], "util/docker/web/foo", false),
        Case(["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", true),
        Case(["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
        Case(["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false),
        // Go's filepath.Match cases (patternmatcher's TestMatch), parent folders included.
        Case("abc", "abc", true), Case("*", "abc", true), Case("*c", "abc", true), Case("a*", "a", true),
        Case("a*", "abc", true), Case("a*", "ab/c", true), Case("a*/b", "abc/b", true), Case("a*/b", "a/c/b", false),
        Case("a*b*c*d*e*/f", "axbxcxdxe/f", true), Case("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
        Case("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false), Case("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
        Case("a*b?c*x", "abxbbxdbxebxczzx", true), Case("a*b?c*x", "abxbbxdbxebxczzy", false),
        Case("ab[c]", "abc", true), Case("ab[b-d]", "abc", true), Case("ab[e-g]", "abc", false), Case("ab[^c]", "abc", false),
        Case("ab[^b-d]", "abc", false), Case("ab[^e-g]", "abc", true), Case("a\\*b", "ab", false),
        Case("a?b", "a☺b", true), Case("a[^a]b", "a☺b", true), Case("a???b", "a☺b", false),
        Case("a[^a][^a][^a]b", "a☺b", false), Case("[a-ζ]*", "α", true), Case("*[a-ζ]", "A", false),
        Case("a?b", "a/b", false), Case("a*b", "a/b", false), Case("[\\]a]", "]", true), Case("[\\-]", "-", true),
        Case("[x\\-]", "x", true), Case("[x\\-]", "-", true), Case("[x\\-]", "z", false), Case("[\\-x]", "x", true),
        Case("[\\-x]", "-", true), Case("[\\-x]", "a", false), Case("*x", "xxx", true),
        // Docker documentation examples.
        Case("*/temp*", "somedir/temporary.txt", true), Case("*/temp*", "temp", false),
        Case("*/*/temp*", "somedir/subdir/temporary.txt", true), Case("temp?", "tempa", true),
        Case("**/*.go", "a/b/c.go", true), Case(["*.md", "!README*.md"], "README-secret.md", false),
        Case(["*.md", "!README*.md", "README-secret.md"], "README-secret.md", true),
        Case(["*.md", "README-secret.md", "!README*.md"], "README-secret.md", false),
        Case(["docs", "!docs/README.md"], "docs/README.md", false), Case(["docs/", "!docs/README.md"], "docs/README.md", false),
        Case(["docs/*", "!docs/README.md"], "docs/README.md", false), Case(["docs"], "docs/a/b", true),
        Case(["*.go", "!fileutils.go"], "fileutils.go", false), Case(["!fileutils.go", "*.go"], "fileutils.go", true),
        Case(["/node_modules"], "node_modules/x/y.js", true), Case(["./build/"], "build/out", true),
        Case(["a/../b"], "b/c", true), Case(["node_modules"], "src/node_modules/x", false),
    ]

    @Test("patternmatcher's cases, matched with parent results as BuildKit walks", arguments: patternmatcherCases)
    func patternmatcher(_ c: Case) throws {
        let ignore = try DockerIgnore.parse(c.patterns.joined(separator: "\n"))
        // Go test helper: evaluate each parent of filepath.Dir(path), then the path.
        let parent = Self.goDir(c.path)
        var results = DockerIgnore.ParentResults()
        if parent != "." {
            let dirs = parent.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            for n in 1...dirs.count {
                results = ignore.isIgnored(dirs.prefix(n).joined(separator: "/"), parent: results).results
            }
        }
        #expect(ignore.isIgnored(c.path, parent: results).ignored == c.ignored)
    }

    static func goDir(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return PathCleaning.clean(String(p[...slash]))
    }

    static let malformed = ["[", "[^", "[^bc", "a[", "\\", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "!", "[z-a]"]

    @Test("malformed patterns are located errors", arguments: malformed)
    func malformedPatterns(_ pattern: String) {
        let found = diagnostics { _ = try DockerIgnore.parse("# comment\nok\n" + pattern + "\n") }
        #expect(found.map(\.id) == ["sources.dockerignore-bad-pattern"])
        #expect(found.first?.location == SourceLocation(file: ".dockerignore", line: 3, column: 1))
    }

    @Test("reading: BOM, comments only at column 1, trimming, leading slash, exceptions")
    func reading() throws {
        let text = "\u{FEFF}# comment\n  #not-a-comment\n\n  /build/  \n! keep.txt\r\n./dist//x/../y\n*.log\n"
        let ignore = try DockerIgnore.parse(text)
        #expect(ignore.rules.map(\.pattern.description) == ["#not-a-comment", "build", "!keep.txt", "dist/y", "*.log"])
        #expect(ignore.rules.map(\.line) == [2, 4, 5, 6, 7])
        #expect(ignore.hasExclusions)
        #expect(ignore.isIgnored("#not-a-comment"))
        #expect(ignore.isIgnored("build/a/b"))
        #expect(!ignore.isIgnored("keep.txt"))
        #expect(ignore.isIgnored("dist/y/z"))
        #expect(!ignore.isIgnored("dist/x"))
        #expect(ignore.isIgnored("a.log"))
        #expect(!ignore.isIgnored("dir/a.log"))
    }

    @Test("all bad patterns are reported, not just the first")
    func allErrors() {
        let found = diagnostics { _ = try DockerIgnore.parse("[\nok\na[\n") }
        #expect(found.map(\.location?.line) == [1, 3])
    }
}

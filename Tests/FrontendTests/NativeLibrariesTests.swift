import Frontend
import Testing

@Suite("Native libraries")
struct NativeLibrariesTests {
    @Test("libgit2 and libarchive load on first use and report dotted versions")
    func versions() {
        for v in [NativeLibraries.libgit2Version, NativeLibraries.libarchiveVersion] {
            let parts = v.split(separator: ".")
            #expect(parts.count == 3, "\(v)")
            #expect(parts.allSatisfy { Int($0) != nil }, "\(v)")
        }
        #expect(NativeLibraries.libgit2Version.hasPrefix("1."))
        #expect(NativeLibraries.libarchiveVersion.hasPrefix("3."))
    }
}

import Backends
import Foundation
import TestSupport
import Testing

@Suite("docs/backends.md")
struct SupportMatrixTests {
    @Test("the support matrix in docs/backends.md is the one the backends declare")
    func matrixInSync() throws {
        let url = Golden.repositoryRoot.appendingPathComponent("docs/backends.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let marker = "<!-- matrix -->\n"
        let parts = doc.components(separatedBy: marker)
        try #require(parts.count == 3, "docs/backends.md needs the table between two \(marker) lines")
        if Golden.updating {
            try Data((parts[0] + marker + BackendKind.supportMatrixMarkdown + marker + parts[2]).utf8).write(to: url, options: .atomic)
            Issue.record("UPDATE_GOLDEN=1: rewrote the matrix in docs/backends.md; run again without it")
            return
        }
        #expect(parts[1] == BackendKind.supportMatrixMarkdown, "UPDATE_GOLDEN=1 swift test --filter SupportMatrix rewrites it")
    }

    @Test("every available backend declares every feature")
    func complete() {
        for kind in BackendKind.available {
            #expect(Set(kind.support?.keys.map { $0 } ?? []) == Set(BackendFeature.allCases), "\(kind)")
        }
    }
}

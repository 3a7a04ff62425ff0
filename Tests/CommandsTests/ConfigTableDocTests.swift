import XCTest
@testable import Commands

/// docs/CONFIG.md is generated from the parameter tables: it must be what they give now.
final class ConfigTableDocTests: XCTestCase {
    func testDocsConfigIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/CONFIG.md").standardized.path
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(onDisk, ConfigTableDoc.markdown,
                       "docs/CONFIG.md is stale: run `swift build --product swirl-server && .build/debug/swirl-server --config-table > docs/CONFIG.md`")
    }

    func testEveryParameterOfTheTableIsListed() {
        let doc = ConfigTableDoc.markdown
        for parameter in Config.parameters {
            XCTAssertTrue(doc.contains("| `\(parameter.name)` |"), parameter.name)
            if !parameter.honoured { XCTAssertFalse(parameter.note.isEmpty, "\(parameter.name) says why it is not honoured") }
        }
    }
}

import Foundation
import Testing
import OnnxModel

/// Inputs the fuzzer (bench/fuzz.sh) reported, replayed through every loading path.
struct FuzzRegressionTests {
    static var inputs: [String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    @Test func thereAreInputs() { #expect(!FuzzRegressionTests.inputs.isEmpty) }

    @Test(arguments: inputs)
    func replays(_ path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if let m = try? ModelLoader.load(bytes: bytes, label: "fuzz") {
            _ = Validator.validate(m)
            for t in m.graph.initializers { _ = try? t.canonicalBytes() }
        }
        for kind in [DataValueKind.tensor, .sequence, .map, .optional, .sparseTensor] {
            _ = try? ModelLoader.loadData(bytes: bytes, label: "fuzz", kind: kind)
        }
        // Reaching this line is the test: the loader returned (an error) instead of crashing or hanging.
        #expect(throws: LoadError.self) { try ModelLoader.load(bytes: bytes, label: "fuzz") }
    }
}

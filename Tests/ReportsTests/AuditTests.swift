import Foundation
import Testing
import OnnxModel
import Reports
import TestSupport

/// Every finding ID, each from a hostile fixture the test builds itself.
struct AuditTests {
    struct Fixture: @unchecked Sendable, CustomStringConvertible {
        var id: FindingID
        var make: (TempDir) -> Model
        var description: String { id.rawValue }
    }

    static func base() -> Model {
        var m = Fixtures.addRelu()
        m.docString = "fixture"
        m.metadataProps = [StringPair("license", "MIT"), StringPair("author", "a"), StringPair("source", "s"), StringPair("dataset", "d"),
                           StringPair("created", "2026-01-01"), StringPair("version", "1"), StringPair("commit", "abc")]
        return m
    }

    static func floatBytes(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: 4 * n) }

    /// The model's bias `b` (float32[3]) moved to external data with the given entries.
    static func external(_ entries: [StringPair], _ m: Model = base()) -> Model {
        var m = m
        m.graph.initializers[0].payload = .none
        m.graph.initializers[0].dataLocation = 1
        m.graph.initializers[0].externalData = entries
        return m
    }

    static func load(_ m: Model, _ dir: TempDir) -> Model {
        try! ModelLoader.load(path: dir.write("model.onnx", model: m))
    }

    static let fixtures: [Fixture] = [
        Fixture(id: .noProducer) { _ in var m = base(); m.producerName = ""; return m },
        Fixture(id: .noLicense) { _ in var m = base(); m.metadataProps.removeAll { $0.key == "license" }; return m },
        Fixture(id: .missingRecommended) { _ in var m = base(); m.metadataProps = [StringPair("license", "MIT")]; return m },
        Fixture(id: .noDocString) { _ in var m = base(); m.docString = ""; return m },
        Fixture(id: .unsupportedOp) { _ in
            var m = base(); m.graph.nodes[1].opType = "NoSuchStandardOp"; return m
        },
        Fixture(id: .customDomain) { _ in
            var m = base(); m.graph.nodes[1].domain = "com.vendor"; m.opsetImports.append(OpsetImport(domain: "com.vendor", version: 1)); return m
        },
        Fixture(id: .hasFunctions) { _ in var m = base(); var f = Function(); f.name = "F"; f.domain = "fn"; m.functions = [f]; return m },
        Fixture(id: .hasTrainingInfo) { _ in var m = base(); m.trainingInfo = [TrainingInfo()]; return m },
        Fixture(id: .unusedInitializer) { _ in var m = base(); m.graph.initializers.append(Fixtures.floats("orphan", [1], [1])); return m },
        Fixture(id: .deadNode) { _ in
            var m = base(); m.graph.nodes.append(Node(opType: "Neg", name: "dangling", inputs: ["x"], outputs: ["unused"])); return m
        },
        Fixture(id: .shadowedInput) { _ in var m = base(); m.graph.inputs.append(Fixtures.tensorInfo("b", .float, [.value(3)])); return m },
        Fixture(id: .invalidGraph) { _ in var m = base(); m.graph.nodes[0].inputs = ["x", "y"]; return m },
        Fixture(id: .newerThanSupported) { _ in var m = base(); m.irVersion = 99; return m },
        Fixture(id: .absoluteLocation) { _ in external([StringPair("location", "/etc/passwd")]) },
        Fixture(id: .parentLocation) { _ in external([StringPair("location", "../secrets.bin")]) },
        Fixture(id: .symbolicLink) { dir in
            let outside = TempDir()
            let canary = outside.write("canary.bin", floatBytes(3))
            try? FileManager.default.createSymbolicLink(atPath: dir.file("w.bin"), withDestinationPath: canary)
            return external([StringPair("location", "w.bin")])
        },
        Fixture(id: .hardLink) { dir in
            // The canary sits outside the model's folder and lives as long as the test (see below).
            let canary = dir.path + "-outside-canary.bin"
            _ = FileManager.default.createFile(atPath: canary, contents: Data(floatBytes(3)))
            _ = link(canary, dir.file("w.bin"))
            return external([StringPair("location", "w.bin")])
        },
        Fixture(id: .missingFile) { _ in external([StringPair("location", "absent.bin")]) },
        Fixture(id: .outOfBounds) { dir in
            dir.write("w.bin", floatBytes(3))
            return external([StringPair("location", "w.bin"), StringPair("offset", "8"), StringPair("length", "12")])
        },
        Fixture(id: .lengthMismatch) { dir in
            dir.write("w.bin", floatBytes(4))
            return external([StringPair("location", "w.bin"), StringPair("length", "16")])
        },
        Fixture(id: .overlap) { dir in
            dir.write("w.bin", floatBytes(8))
            var m = external([StringPair("location", "w.bin"), StringPair("offset", "0"), StringPair("length", "12")])
            var t = m.graph.initializers[0]
            t.name = "b2"
            t.externalData = [StringPair("location", "w.bin"), StringPair("offset", "8"), StringPair("length", "12")]
            m.graph.initializers.append(t)
            m.graph.nodes.append(Node(opType: "Add", name: "use_b2", inputs: ["y", "b2"], outputs: ["z"]))
            m.graph.outputs.append(Fixtures.tensorInfo("z", .float, nil))
            return m
        },
        Fixture(id: .checksumMismatch) { dir in
            dir.write("w.bin", floatBytes(3))
            return external([StringPair("location", "w.bin"), StringPair("checksum", "0000000000000000000000000000000000000000")])
        },
        Fixture(id: .checksumVerified) { dir in
            dir.write("w.bin", floatBytes(3))
            // sha1 of 12 zero bytes
            return external([StringPair("location", "w.bin"), StringPair("checksum", "2c513f149e737ec4063fc1d37aee9beabc4b4bbf")])
        },
        Fixture(id: .lfsPointer) { dir in
            let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 12\n"
            dir.write("w.bin", Array(pointer.utf8))
            return external([StringPair("location", "w.bin")])
        },
        Fixture(id: .externalUnreadable) { dir in
            dir.write("w.bin", floatBytes(3))
            return external([StringPair("location", "w.bin"), StringPair("offset", "twelve")])
        },
        Fixture(id: .rawDataLength) { _ in
            var m = base(); m.graph.initializers[0] = TensorData(name: "b", type: .float, dims: [3], raw: [1, 2, 3, 4, 5]); return m
        },
        Fixture(id: .controlCharacters) { _ in var m = base(); m.graph.nodes[0].name = "add\u{1b}[31m"; return m },
        Fixture(id: .oversizedDocString) { _ in var m = base(); m.graph.docString = String(repeating: "x", count: 70_000); return m },
        Fixture(id: .duplicateMetadataKey) { _ in var m = base(); m.metadataProps.append(StringPair("author", "b")); return m },
        Fixture(id: .nonUTF8) { _ in var m = base(); m.producerName = "zz\u{1}"; return m },
    ]

    static let supports: @Sendable (String, String, Int64) -> Bool = { _, op, _ in op != "NoSuchStandardOp" }

    func audit(_ m: Model) -> AuditReport { AuditReport(model: m, options: .init(hashTensors: true, supportsOp: AuditTests.supports)) }

    @Test func everyFindingIDHasAFixture() {
        #expect(Set(AuditTests.fixtures.map(\.id)) == Set(FindingID.allCases))
    }

    @Test(arguments: fixtures)
    func fixtureRaisesItsFinding(_ f: Fixture) throws {
        let dir = TempDir()
        var model = f.make(dir)
        if f.id == .nonUTF8 {
            // Patch the producer name's \u{1} byte into an invalid UTF-8 byte in the file itself.
            var bytes = ProtoEncoder.encode(model)
            let needle = Array("zz\u{1}".utf8)
            if let i = (0..<(bytes.count - 2)).first(where: { Array(bytes[$0..<$0 + 3]) == needle }) { bytes[i + 2] = 0xfe }
            model = try ModelLoader.load(path: dir.write("model.onnx", bytes))
        } else {
            model = AuditTests.load(model, dir)
        }
        let report = audit(model)
        try? FileManager.default.removeItem(atPath: dir.path + "-outside-canary.bin")
        let hit = report.findings.first { $0.id == f.id.rawValue }
        #expect(hit != nil, "\(f.id.rawValue) not raised; got \(report.findings.map(\.id))")
        #expect(hit?.severity == f.id.severity)
        #expect(hit?.location.isEmpty == false)
        let j = report.json.serialized()
        #expect(j.contains("\"\(f.id.rawValue)\""))
    }

    @Test func cleanModelHasNoWarningsOrErrors() throws {
        let dir = TempDir()
        let report = audit(AuditTests.load(AuditTests.base(), dir))
        #expect(report.findings.filter { $0.severity != .info }.isEmpty, "\(report.findings)")
        #expect(report.model.sha256?.count == 64)
        #expect(report.tensorHashes.map(\.name) == ["b"])
    }

    @Test func identityHashesAreSHA256() throws {
        var s = SHA256()
        s.update(Array("abc".utf8))
        #expect(hexString(s.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var million = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        #expect(hexString(million.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var one = SHA1()
        one.update(Array("abc".utf8))
        #expect(hexString(one.finalize()) == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func wellKnownKeysAreGroupedAndExporterRecognised() throws {
        var m = AuditTests.base()
        m.producerName = "pytorch"
        m.producerVersion = "2.5.0"
        m.metadataProps.append(StringPair("Base-Model", "bert-base-uncased"))
        let report = audit(m)
        #expect(report.exporter == "PyTorch (torch.onnx) 2.5.0")
        #expect(report.metadata.first { $0.key == "Base-Model" }?.group == "base_model")
        #expect(report.json["provenance"]?["well_known"]?["license"] != nil)
    }
}

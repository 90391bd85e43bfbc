import Foundation
import Testing
import OnnxModel
import TestSupport

/// External data resolves lazily, only inside the model's folder.
struct ExternalDataTests {
    func externalTensor(_ location: String, offset: Int? = nil, length: Int? = nil, dims: [Int64] = [4]) -> TensorData {
        var t = TensorData()
        t.name = "w"
        t.elemType = DataType.float.rawValue
        t.dims = dims
        t.dataLocation = 1
        t.externalData = [StringPair("location", location)]
        if let offset { t.externalData.append(StringPair("offset", String(offset))) }
        if let length { t.externalData.append(StringPair("length", String(length))) }
        return t
    }

    func model(_ t: TensorData) -> Model {
        Fixtures.model(nodes: [Node(opType: "Relu", inputs: ["w"], outputs: ["y"])], inputs: [],
                       outputs: [Fixtures.tensorInfo("y", .float, [.value(4)])], initializers: [t])
    }

    func floatBytes(_ v: [Float]) -> [UInt8] { v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } } }

    @Test func resolvesOffsetAndLength() throws {
        let dir = TempDir()
        dir.write("w.bin", [UInt8](repeating: 9, count: 8) + floatBytes([1, 2, 3, 4]))
        let path = dir.write("m.onnx", model: model(externalTensor("w.bin", offset: 8, length: 16)))
        let m = try ModelLoader.load(path: path)
        #expect(Validator.validate(m).isEmpty)
        let bytes = try m.graph.initializers[0].canonicalBytes()
        #expect(bytes.bytes == floatBytes([1, 2, 3, 4]))
        #expect(bytes.owner is MappedFile)
    }

    @Test func resolvesInSubfolder() throws {
        let dir = TempDir()
        dir.write("data/w.bin", floatBytes([1, 2, 3, 4]))
        let m = try ModelLoader.load(path: dir.write("m.onnx", model: model(externalTensor("./data/w.bin"))))
        #expect(try m.graph.initializers[0].canonicalBytes().count == 16)
    }

    func problem(_ t: TensorData, setup: (TempDir) -> Void = { _ in }) throws -> String {
        let dir = TempDir()
        setup(dir)
        let m = try ModelLoader.load(path: dir.write("m.onnx", model: model(t)))
        let problems = Validator.validate(m).filter(\.isDataError)
        #expect(problems.count == 1)
        #expect(throws: LoadError.self) { try m.graph.initializers[0].canonicalBytes() }
        return problems.first?.message ?? ""
    }

    @Test func missingFile() throws {
        #expect(try problem(externalTensor("nope.bin")).contains("missing"))
    }

    @Test func outOfBounds() throws {
        let msg = try problem(externalTensor("w.bin", offset: 8, length: 16)) { $0.write("w.bin", [UInt8](repeating: 0, count: 10)) }
        #expect(msg.contains("past the end"))
    }

    @Test func offsetBeyondEnd() throws {
        let msg = try problem(externalTensor("w.bin", offset: 100)) { $0.write("w.bin", [UInt8](repeating: 0, count: 16)) }
        #expect(msg.contains("beyond the end"))
    }

    @Test func lengthDisagreesWithShape() throws {
        let msg = try problem(externalTensor("w.bin", length: 8)) { $0.write("w.bin", [UInt8](repeating: 0, count: 16)) }
        #expect(msg.contains("needs 16"))
    }

    @Test(arguments: ["/etc/passwd", "../outside.bin", "data/../../outside.bin", "..\\outside.bin", "C:\\x.bin"])
    func locationsLeavingTheFolderAreRefused(_ location: String) throws {
        #expect(try problem(externalTensor(location)).contains("model's folder"))
    }

    @Test func symbolicLinkToACanaryOutsideIsNeverRead() throws {
        let outside = TempDir()
        let canary = outside.write("canary.bin", floatBytes([7, 7, 7, 7]))
        let msg = try problem(externalTensor("w.bin")) { dir in
            try? FileManager.default.createSymbolicLink(atPath: dir.file("w.bin"), withDestinationPath: canary)
        }
        #expect(msg.contains("symbolic link"))
        let msg2 = try problem(externalTensor("sub/w.bin")) { dir in
            try? FileManager.default.createSymbolicLink(atPath: dir.file("sub"), withDestinationPath: outside.path)
        }
        #expect(msg2.contains("symbolic link"))
    }

    @Test func hardLinkIsRefused() throws {
        let outside = TempDir()
        let canary = outside.write("canary.bin", floatBytes([7, 7, 7, 7]))
        let msg = try problem(externalTensor("w.bin")) { dir in
            _ = link(canary, dir.file("w.bin"))
        }
        #expect(msg.contains("hard link"))
    }

    @Test func inMemoryModelsCannotResolveExternalData() throws {
        let m = try ModelLoader.load(bytes: ProtoEncoder.encode(model(externalTensor("w.bin"))), label: "mem")
        #expect(throws: LoadError.self) { try m.graph.initializers[0].canonicalBytes() }
    }
}

import Foundation
import OnnxModel

/// Builders for small models in tests: every test makes its own fixtures.
public enum Fixtures {
    public static func tensorInfo(_ name: String, _ type: DataType, _ dims: [Dim.Value]?) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(type, dims))
    }

    public static func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> TensorData {
        var raw: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        return TensorData(name: name, type: .float, dims: dims, raw: raw)
    }

    /// A Loop body over a float accumulator: inputs (i, cond, acc), outputs (cond_out, acc_out,
    /// then `scanOutputs`), a first node "keep" passing cond through, then `nodes`.
    public static func accumulatorBody(_ nodes: [Node], scanOutputs: [String] = []) -> Graph {
        var body = Graph()
        body.name = "body"
        body.inputs = [tensorInfo("i", .int64, []), tensorInfo("cond", .bool, []), tensorInfo("acc", .float, nil)]
        body.outputs = [tensorInfo("cond_out", .bool, []), tensorInfo("acc_out", .float, nil)] + scanOutputs.map { tensorInfo($0, .float, nil) }
        body.nodes = [Node(opType: "Identity", name: "keep", inputs: ["cond"], outputs: ["cond_out"])] + nodes
        return body
    }

    /// A model around `nodes` with the given graph inputs/outputs and initializers.
    public static func model(nodes: [Node], inputs: [ValueInfo], outputs: [ValueInfo], initializers: [TensorData] = [],
                             opset: Int64 = 17, extraOpsets: [OpsetImport] = [], name: String = "test") -> Model {
        var m = Model()
        m.irVersion = 8
        m.producerName = "onnx-explorer-tests"
        m.opsetImports = [OpsetImport(domain: "", version: opset)] + extraOpsets
        m.graph.name = name
        m.graph.nodes = nodes
        m.graph.inputs = inputs
        m.graph.outputs = outputs
        m.graph.initializers = initializers
        return m
    }

    /// A two-node model: y = Relu(x + b).
    public static func addRelu() -> Model {
        model(nodes: [Node(opType: "Add", name: "add", inputs: ["x", "b"], outputs: ["s"]),
                      Node(opType: "Relu", name: "relu", inputs: ["s"], outputs: ["y"])],
              inputs: [tensorInfo("x", .float, [.param("N"), .value(3)])],
              outputs: [tensorInfo("y", .float, [.param("N"), .value(3)])],
              initializers: [floats("b", [3], [1, -2, 3])])
    }
}

/// A temporary folder removed when the value is deinitialised.
public final class TempDir: @unchecked Sendable {
    public let path: String
    public init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/onnx-explorer-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = file(name)
        let dir = (p as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    @discardableResult
    public func write(_ name: String, model: Model) -> String { write(name, ProtoEncoder.encode(model)) }
}

/// Runs the built `onnx-explorer` binary (next to the test bundle, or $ONNX_EXPLORER_BIN).
public enum CLI {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static var binary: String {
        if let b = ProcessInfo.processInfo.environment["ONNX_EXPLORER_BIN"] { return b }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("onnx-explorer").path
    }

    public static func run(_ args: [String], environment: [String: String] = [:], executable: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Parses JSON output with Foundation (tests only).
    public static func json(_ s: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any] ?? [:]
    }
}

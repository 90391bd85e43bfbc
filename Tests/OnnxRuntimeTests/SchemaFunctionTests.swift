import OnnxModel
@testable import OnnxRuntime
import Testing
import TestSupport

/// Ops the spec defines as functions run from their schema function body when the registry has no
/// kernel for them: the body's result must match the kernel's.
@Suite struct SchemaFunctionTests {
    /// One op call: the model opset, attributes and inputs (nil = absent optional input).
    struct Call: CustomTestStringConvertible, Sendable {
        var name: String
        var op: String
        var opset: Int
        var attrs: [Attribute] = []
        var inputs: [Tensor?]
        var outputs = 1
        var testDescription: String { "\(op)@\(opset): \(name)" }
    }

    static let x = f32([2, 3], [-3, -0.5, 0, 0.25, 1.5, 4])
    static let x4 = f32([2, 3, 2, 2], (0..<24).map { Float($0 % 7) * 0.75 - 2 + Float($0) * 0.01 })

    static let calls: [Call] = [
        Call(name: "defaults", op: "Selu", opset: 21, inputs: [x]),
        Call(name: "alpha, gamma", op: "Selu", opset: 10, attrs: [float("alpha", 2), float("gamma", 3)], inputs: [x]),
        Call(name: "defaults", op: "HardSwish", opset: 22, inputs: [x]),
        Call(name: "alpha", op: "Celu", opset: 28, attrs: [float("alpha", 2)], inputs: [x]),
        Call(name: "defaults", op: "Celu", opset: 28, inputs: [x]),
        Call(name: "default axes", op: "MeanVarianceNormalization", opset: 13, inputs: [x4]),
        Call(name: "axes", op: "MeanVarianceNormalization", opset: 21, attrs: [ints("axes", [1, 3])], inputs: [x4]),
        Call(name: "opset 9", op: "MeanVarianceNormalization", opset: 9, inputs: [x4]),
        Call(name: "alpha, beta", op: "HardSigmoid", opset: 21, attrs: [float("alpha", 0.3), float("beta", 0.4)], inputs: [x]),
        Call(name: "defaults", op: "LeakyRelu", opset: 16, inputs: [x]),
        Call(name: "alpha", op: "Elu", opset: 22, attrs: [float("alpha", 0.5)], inputs: [x]),
        Call(name: "alpha", op: "ThresholdedRelu", opset: 22, attrs: [float("alpha", 0.2)], inputs: [x]),
        Call(name: "bias, lambd", op: "Shrink", opset: 21, attrs: [float("bias", 0.5), float("lambd", 1)], inputs: [x]),
        Call(name: "", op: "Softplus", opset: 22, inputs: [x]),
        Call(name: "", op: "Softsign", opset: 22, inputs: [x]),
        Call(name: "", op: "Mish", opset: 22, inputs: [x]),
        Call(name: "", op: "Relu", opset: 21, inputs: [x]),
        Call(name: "broadcast slope", op: "PRelu", opset: 16, inputs: [x, f32([3], [0.1, 0.2, 0.3])]),
        Call(name: "alpha", op: "Swish", opset: 24, attrs: [float("alpha", 0.7)], inputs: [x]),
        Call(name: "axes", op: "ReduceL1", opset: 18, inputs: [x4, i64([1], [1])]),
        Call(name: "no axes (absent optional input)", op: "ReduceL2", opset: 18, inputs: [x4, nil]),
        Call(name: "keepdims 0", op: "ReduceSumSquare", opset: 18, attrs: [int("keepdims", 0)], inputs: [x4, i64([2], [0, 2])]),
        Call(name: "", op: "ReduceLogSumExp", opset: 18, inputs: [x4, i64([1], [3])]),
        Call(name: "", op: "ReduceLogSum", opset: 28, inputs: [f32([2, 2], [1, 2, 3, 4]), i64([1], [0])]),
        Call(name: "", op: "GreaterOrEqual", opset: 16, inputs: [x, f32([3], [0, 0, 0.25])]),
        Call(name: "", op: "LessOrEqual", opset: 12, inputs: [x, f32([1], [0.25])]),
        Call(name: "", op: "Range", opset: 11, inputs: [.scalar(Float(1)), .scalar(Float(4)), .scalar(Float(0.5))]),
        Call(name: "", op: "DynamicQuantizeLinear", opset: 11, inputs: [x], outputs: 3),
        Call(name: "", op: "HannWindow", opset: 17, inputs: [.scalar(Int64(8))]),
        Call(name: "symmetric", op: "HammingWindow", opset: 17, attrs: [int("periodic", 0)], inputs: [.scalar(Int64(6))]),
        Call(name: "", op: "BlackmanWindow", opset: 17, inputs: [.scalar(Int64(5))]),
        Call(name: "alpha", op: "SwiGLU", opset: 28, attrs: [float("alpha", 1.5)], inputs: [f32([2, 2], [-1, 0, 1, 2]), f32([2, 2], [3, -2, 0.5, 1])]),
    ]

    static func model(_ c: Call) -> Model {
        let names = c.inputs.enumerated().map { $0.element == nil ? "" : "x\($0.offset)" }
        let node = Node(opType: c.op, name: "call", inputs: names, outputs: (0..<c.outputs).map { "y\($0)" }, attributes: c.attrs)
        let inputs = c.inputs.enumerated().compactMap { k, t in t.map { Fixtures.tensorInfo("x\(k)", $0.dtype, nil) } }
        return Fixtures.model(nodes: [node], inputs: inputs, outputs: (0..<c.outputs).map { ValueInfo(name: "y\($0)") }, opset: Int64(c.opset))
    }

    static func feeds(_ c: Call) -> [String: Value] {
        var f: [String: Value] = [:]
        for (k, t) in c.inputs.enumerated() { if let t { f["x\(k)"] = .tensor(t) } }
        return f
    }

    static func without(_ op: String) -> Interpreter.Options {
        var o = Interpreter.Options()
        o.registry.remove(opType: op)
        return o
    }

    @Test func everyBodyDecodes() {
        #expect(SchemaFunctions.count == SchemaFunctionData.index.count)
        #expect(SchemaFunctions.count >= 40)
        for k in SchemaFunctions.ops {
            for e in SchemaFunctions.table[k]! {
                #expect(!e.function.nodes.isEmpty, "\(e.opType) \(e.since)")
                #expect(e.function.opsetImports.contains { $0.domain.isEmpty && $0.version == e.opset }, "\(e.opType) \(e.since)")
            }
        }
    }

    @Test func bodyIsPickedByTheModelOpset() throws {
        // Selu 6 has one body, written for opset 18: it serves every opset from 6 on.
        let selu = try #require(SchemaFunctions.body(domain: "", opType: "Selu", opset: 10))
        #expect(selu.since == 6 && selu.opset == 18)
        #expect(SchemaFunctions.body(domain: "", opType: "Selu", opset: 5) == nil)
        #expect(SchemaFunctions.body(domain: "ai.onnx", opType: "Selu", opset: 22)?.since == 22)
        // MeanVarianceNormalization 13 has bodies for opsets 13 and 18.
        #expect(SchemaFunctions.body(domain: "", opType: "MeanVarianceNormalization", opset: 17)?.opset == 13)
        #expect(SchemaFunctions.body(domain: "", opType: "MeanVarianceNormalization", opset: 21)?.opset == 18)
        #expect(SchemaFunctions.body(domain: "", opType: "MeanVarianceNormalization", opset: 12)?.since == 9)
        // Range 27 is a newer schema whose body is context-dependent: Range 11's body does not serve it.
        #expect(SchemaFunctions.body(domain: "", opType: "Range", opset: 26)?.since == 11)
        #expect(SchemaFunctions.body(domain: "", opType: "Range", opset: 27) == nil)
        // Relu is a function only from 14; LayerNormalization's body is context-dependent (not stored).
        #expect(SchemaFunctions.body(domain: "", opType: "Relu", opset: 13) == nil)
        #expect(SchemaFunctions.body(domain: "", opType: "LayerNormalization", opset: 21) == nil)
    }

    @Test(arguments: calls) func bodyMatchesKernel(_ c: Call) throws {
        let m = Self.model(c)
        let expected = try Interpreter(model: m).run(Self.feeds(c))
        let interp = Interpreter(model: m, options: Self.without(c.op))
        var frames: Set<String> = []
        interp.observer = { frames.insert($0.frame) }
        let actual = try interp.run(Self.feeds(c))
        // The body ran as a child frame (its nodes were observed there), not as a kernel.
        #expect(frames.contains("call/\(c.op)"), "frames \(frames)")
        for k in 0..<c.outputs {
            let a = try #require(actual["y\(k)"]?.tensor), e = try #require(expected["y\(k)"]?.tensor)
            assertClose(a, e, rtol: 1e-5, atol: 1e-6, "output \(k)")
        }
    }

    @Test func steppingEntersTheBody() throws {
        let m = Fixtures.model(nodes: [Node(opType: "Selu", name: "call", inputs: ["x"], outputs: ["s"]),
                                       Node(opType: "Neg", name: "neg", inputs: ["s"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [ValueInfo(name: "y")], opset: 21)
        let interp = Interpreter(model: m, options: Self.without("Selu"))
        try interp.start(feeds: ["x": .tensor(Self.x)])
        #expect(interp.nextNode?.path == "call")
        _ = try interp.step(into: true)
        #expect(interp.framePaths == ["", "call/Selu"])
        let first = try #require(interp.nextNode)
        #expect(first.path.hasPrefix("call/Selu/"))
        #expect(first.depth == 1)
        #expect(try interp.run(until: .frameExit).reason == .frameExited)
        #expect(interp.framePaths == [""])
        #expect(interp.nextNode?.path == "neg")
        #expect(try interp.run(until: .end).reason == .finished)
        let y = try #require(interp.outputs.first?.value?.tensor)
        let selu = try runOp("Selu", [Self.x])[0].tensor!
        assertClose(y, try runOp("Neg", [selu])[0].tensor!)
    }

    @Test func aKernelWinsOverTheBody() throws {
        let c = Call(name: "", op: "Selu", opset: 21, inputs: [Self.x])
        let interp = Interpreter(model: Self.model(c))
        var paths: [String] = []
        interp.observer = { paths.append($0.path) }
        _ = try interp.run(Self.feeds(c))
        #expect(paths == ["call"])
    }

    @Test func preferFunctionBodiesRunsTheBodyDespiteTheKernel() throws {
        let c = Call(name: "", op: "HardSwish", opset: 22, inputs: [Self.x])
        var o = Interpreter.Options()
        o.registry.preferFunctionBodies = true
        let interp = Interpreter(model: Self.model(c), options: o)
        var frames: Set<String> = []
        interp.observer = { frames.insert($0.frame) }
        let y = try interp.run(Self.feeds(c))
        #expect(frames.contains("call/HardSwish"))
        assertClose(y["y0"]!.tensor!, try runOp("HardSwish", opset: 22, [Self.x])[0].tensor!)
    }

    @Test func contextDependentFunctionsAreNotCovered() throws {
        let c = Call(name: "", op: "LayerNormalization", opset: 17, inputs: [Self.x, f32([3], [1, 1, 1])])
        let interp = Interpreter(model: Self.model(c), options: Self.without("LayerNormalization"))
        #expect(throws: RuntimeError.self) { try interp.run(Self.feeds(c)) }
    }

    @Test func canRunCountsBodies() {
        var r = OpRegistry.standard
        r.remove(opType: "Selu")
        r.remove(opType: "LayerNormalization")
        #expect(r.canRun(domain: "", opType: "Selu", opset: 21))
        #expect(!r.canRun(domain: "", opType: "Selu", opset: 5))
        #expect(!r.canRun(domain: "", opType: "LayerNormalization", opset: 21))
        // A body whose own ops are missing does not count.
        r.remove(opType: "Exp")
        #expect(!r.canRun(domain: "", opType: "Selu", opset: 21))
    }
}

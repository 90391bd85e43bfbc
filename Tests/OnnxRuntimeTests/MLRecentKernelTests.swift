import OnnxModel
@testable import OnnxRuntime
import Testing
import TestSupport

/// The recent ops of RegistrationsML (BitCast, TensorScatter, SwiGLU, CausalConvWithState,
/// LinearAttention, FlexAttention); expected values from onnx's reference implementation.
@Suite struct MLRecentKernelTests {
    static let q = f32([1, 2, 4], [1, 0, 0.5, 1, 0, 1, 1, -1])
    static let k = f32([1, 2, 2], [1, 2, 0.5, -1])
    static let v = f32([1, 2, 3], [1, -1, 2, 0, 1, 1])
    static let x = f32([1, 2, 3], [1, 2, 3, 4, 5, 6])
    static let w = f32([2, 1, 2], [1, -1, 0.5, 2])
    static let cases: [OpCase] = [
        OpCase("bitcast float to int32", "BitCast", opset: 26, [int("to", 6)], [f32([2], [1, -2])], [i32([2], [1_065_353_216, -1_073_741_824])]),
        OpCase("bitcast int8 to uint8", "BitCast", opset: 26, [int("to", 2)], [Tensor(shape: [2], [Int8(-1), 5])], [u8([2], [255, 5])]),
        OpCase("bitcast width mismatch", "BitCast", opset: 26, [int("to", 7)], [f32([1], [1])], error: "bit width"),
        OpCase("tensor scatter linear", "TensorScatter", opset: 24, [int("axis", 1)],
               [f32([2, 3], [0, 0, 0, 0, 0, 0]), f32([2, 2], [1, 2, 3, 4]), i64([2], [1, 0])], [f32([2, 3], [0, 1, 2, 3, 4, 0])]),
        OpCase("tensor scatter circular", "TensorScatter", opset: 24, [string("mode", "circular"), int("axis", 1)],
               [f32([1, 3, 1], [0, 0, 0]), f32([1, 2, 1], [7, 8]), i64([1], [2])], [f32([1, 3, 1], [8, 0, 7])]),
        OpCase("tensor scatter overflow", "TensorScatter", opset: 24, [int("axis", 1)],
               [f32([1, 2], [0, 0]), f32([1, 2], [1, 2]), i64([1], [1])], error: "outside the cache"),
        OpCase("swiglu", "SwiGLU", opset: 28, [float("alpha", 1.5)], [f32([3], [-1, 0, 2]), f32([3], [2, 3, 0.5])],
               [f32([3], [-0.36485106, 0, 0.95257413])]),
        OpCase("swiglu shape mismatch", "SwiGLU", opset: 28, [f32([2], [1, 2]), f32([1], [1])], error: "same shape"),
        OpCase("causal conv silu with state", "CausalConvWithState", opset: 27, [string("activation", "silu")],
               [x, w, f32([2], [0.5, -1]), f32([1, 2, 1], [10, 20])],
               [f32([1, 2, 3], [9.4992886, -0.18877034, -0.18877034, 17, 10.999817, 13.499981]), f32([1, 2, 1], [3, 6])]),
        OpCase("causal conv no state", "CausalConvWithState", opset: 27, [x, w], [f32([1, 2, 3], [-1, -1, -1, 8, 12, 14.5]), f32([1, 2, 1], [3, 6])]),
        OpCase("causal conv bad weight", "CausalConvWithState", opset: 27, [x, f32([2, 2], [1, 2, 3, 4])], error: "weight must be"),
        OpCase("linear attention linear gqa", "LinearAttention", opset: 27,
               [int("q_num_heads", 2), int("kv_num_heads", 1), string("update_rule", "linear"), float("scale", 0.5)], [q, k, v],
               [f32([1, 2, 6], [0.5, -0.5, 1, 1.25, -1.25, 2.5, 1, -1.5, 1.5, -0.5, 1.25, -0.25]), f32([1, 1, 2, 3], [1, -0.5, 2.5, 2, -3, 3])]),
        OpCase("linear attention gated delta", "LinearAttention", opset: 27, [int("q_num_heads", 2), int("kv_num_heads", 1)],
               [q, k, v, nil, f32([1, 2, 1], [-0.5, -1]), f32([1, 2, 1], [0.5, 0.25])],
               [f32([1, 2, 6], [0.35355338, -0.35355338, 0.70710677, 0.88388348, -0.88388348, 1.76776695,
                                0.21135566, -0.38813236, 0.24593462, -0.05690345, 0.32206848, 0.15135814]),
                f32([1, 1, 2, 3], [0.2184284, -0.0934284, 0.5618568, 0.29890203, -0.54890203, 0.34780407])]),
        OpCase("linear attention missing decay", "LinearAttention", opset: 27,
               [int("q_num_heads", 2), int("kv_num_heads", 1), string("update_rule", "gated")], [q, k, v], error: "needs the decay input"),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }

    /// FlexAttention's score_mod runs as a subgraph frame of the interpreter.
    @Test func flexAttentionRunsScoreModAsASubgraph() throws {
        var mod = Graph()
        mod.name = "score_mod"
        mod.inputs = [Fixtures.tensorInfo("scores", .float, nil)]
        mod.outputs = [Fixtures.tensorInfo("scaled", .float, nil)]
        mod.nodes = [Node(opType: "Constant", name: "two", inputs: [], outputs: ["k"],
                          attributes: [Attribute("value", .tensor(Tensor.scalar(Float(2)).tensorData(name: "k")))]),
                     Node(opType: "Mul", name: "mul", inputs: ["scores", "k"], outputs: ["scaled"])]
        let fa = Node(opType: "FlexAttention", name: "fa", inputs: ["q", "k", "v"], outputs: ["y"], domain: "ai.onnx.preview",
                      attributes: [Attribute("scale", .float(1)), Attribute("score_mod", .graph(mod))])
        let m = Fixtures.model(nodes: [fa], inputs: ["q", "k", "v"].map { Fixtures.tensorInfo($0, .float, nil) },
                               outputs: [Fixtures.tensorInfo("y", .float, nil)], opset: 23,
                               extraOpsets: [OpsetImport(domain: "ai.onnx.preview", version: 1)])
        let interp = Interpreter(model: m)
        var paths: [String] = []
        interp.observer = { paths.append($0.path) }
        let eye = f32([1, 1, 2, 2], [1, 0, 0, 1])
        let out = try interp.run(["q": .tensor(eye), "k": .tensor(eye), "v": .tensor(f32([1, 1, 2, 2], [1, 2, 3, 4]))])
        assertClose(try #require(out["y"]?.tensor), f32([1, 1, 2, 2], [1.238406, 2.238406, 2.761594, 3.761594]), rtol: 1e-5, atol: 1e-5)
        #expect(paths == ["fa/score_mod/two", "fa/score_mod/mul", "fa"])
    }
}

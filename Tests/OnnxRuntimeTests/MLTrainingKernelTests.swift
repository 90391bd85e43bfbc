import OnnxModel
@testable import OnnxRuntime
import Testing

/// ai.onnx.preview.training optimizers (expected values from onnx's reference implementation).
@Suite struct MLTrainingKernelTests {
    static let r = f32([], [0.1]), t = i64([], [3])
    static let x = f32([2], [1, 2]), g = f32([2], [-1, 0.5]), v = f32([2], [0.2, -0.3]), h = f32([2], [0.5, 1.5])
    static let cases: [OpCase] = [
        OpCase("adagrad", "Adagrad", opset: 1, [float("decay_factor", 0.1), float("epsilon", 1e-5), float("norm_coefficient", 0.01)],
               [r, t, x, g, h], [f32([2], [1.0625955, 1.9699378]), f32([2], [1.4801, 1.7704])]),
        OpCase("adam", "Adam", opset: 1,
               [float("alpha", 0.9), float("beta", 0.99), float("epsilon", 1e-5), float("norm_coefficient", 0.01), float("norm_coefficient_post", 0.02)],
               [r, t, x, g, v, h], [f32([2], [0.97289507, 1.9711388]), f32([2], [0.081, -0.218]), f32([2], [0.50480098, 1.4877040])]),
        OpCase("momentum", "Momentum", opset: 1, [float("alpha", 0.9), float("beta", 0.5), string("mode", "standard"), float("norm_coefficient", 0.01)],
               [r, t, x, g, v], [f32([2], [1.0315, 2.001]), f32([2], [-0.315, -0.01])]),
        OpCase("nesterov first step", "Momentum", opset: 1, [float("alpha", 0.9), float("beta", 0.5), string("mode", "nesterov"), float("norm_coefficient", 0.01)],
               [r, i64([], [0]), x, g, v], [f32([2], [1.1719, 1.9255]), f32([2], [-0.81, 0.25])]),
        OpCase("adagrad two tensors", "Adagrad", opset: 1, [float("epsilon", 1e-5)],
               [r, i64([], [0]), f32([1], [1]), f64([1], [2]), f32([1], [1]), f64([1], [1]), f32([1], [0]), f64([1], [0])],
               [f32([1], [0.90000099]), f64([1], [1.90000999990]), f32([1], [1]), f64([1], [1])]),
        OpCase("momentum bad mode", "Momentum", opset: 1, [float("alpha", 0.9), float("beta", 0.5), string("mode", "fast"), float("norm_coefficient", 0)],
               [r, t, x, g, v], error: "mode 'fast'"),
        OpCase("adam wrong input count", "Adam", opset: 1, [], [r, t, x, g, v], error: "groups of tensors"),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(domain: "ai.onnx.preview.training", c) }
}

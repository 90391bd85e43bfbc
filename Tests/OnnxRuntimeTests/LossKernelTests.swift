import OnnxModel
@testable import OnnxRuntime
import Testing

/// Loss kernels and the other ops beyond issue 3's list that live outside the NN namespace.
@Suite struct LossKernelTests {
    static let cases: [OpCase] = [
        OpCase("nll mean", "NegativeLogLikelihoodLoss", opset: 13, [f32([2, 3], [-1, -2, -3, -0.5, -1, -2]), i64([2], [0, 2])], [f32([], [1.5])]),
        OpCase("nll weighted", "NegativeLogLikelihoodLoss", opset: 13, [f32([2, 3], [-1, -2, -3, -0.5, -1, -2]), i64([2], [0, 2]), f32([3], [1, 1, 2])],
               [f32([], [5.0 / 3])]),
        OpCase("nll none ignore", "NegativeLogLikelihoodLoss", opset: 13, [string("reduction", "none"), int("ignore_index", 2)],
               [f32([2, 3], [-1, -2, -3, -0.5, -1, -2]), i64([2], [0, 2])], [f32([2], [1, 0])]),
        OpCase("softmax cross entropy", "SoftmaxCrossEntropyLoss", opset: 13, [f32([1, 2], [0, 0]), i64([1], [1])],
               [f32([], [0.6931472]), f32([1, 2], [-0.6931472, -0.6931472])]),
        OpCase("swish", "Swish", opset: 24, [f32([1], [0])], [f32([1], [0])]),
        OpCase("cumprod", "CumProd", opset: 26, [f32([3], [1, 2, 3]), i64([], [0])], [f32([3], [1, 2, 6])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

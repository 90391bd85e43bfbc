import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct LinalgKernelTests {
    static let cases: [OpCase] = [
        OpCase("matmul 2d", "MatMul", [f32([2, 2], [1, 2, 3, 4]), f32([2, 1], [1, 1])], [f32([2, 1], [3, 7])]),
        OpCase("matmul 1d x 1d", "MatMul", [f32([3], [1, 2, 3]), f32([3], [4, 5, 6])], [f32([], [32])]),
        OpCase("matmul 1d x 2d", "MatMul", [f32([2], [1, 1]), f32([2, 2], [1, 2, 3, 4])], [f32([2], [4, 6])]),
        OpCase("matmul batch broadcast", "MatMul", [f32([2, 1, 2], [1, 0, 0, 1]), f32([2, 2], [1, 2, 3, 4])], [f32([2, 1, 2], [1, 2, 3, 4])]),
        OpCase("matmul batch both", "MatMul", [f32([2, 1, 1], [2, 3]), f32([1, 1, 2], [1, 10])], [f32([2, 1, 2], [2, 20, 3, 30])]),
        OpCase("matmul double", "MatMul", [f64([1, 2], [1, 2]), f64([2, 1], [3, 4])], [f64([1, 1], [11])]),
        OpCase("matmul int", "MatMul", [i32([1, 2], [1, 2]), i32([2, 1], [3, 4])], [i32([1, 1], [11])]),
        OpCase("matmul empty k", "MatMul", [f32([2, 0], []), f32([0, 2], [])], [f32([2, 2], [0, 0, 0, 0])]),
        OpCase("matmul mismatch", "MatMul", [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([2, 1], [1, 1])], error: "cannot be multiplied"),
        OpCase("gemm transposes and bias", "Gemm", [int("transA", 1), int("transB", 1), float("alpha", 2), float("beta", 0.5)],
               [f32([2, 1], [1, 2]), f32([1, 2], [3, 4]), f32([1], [10])], [f32([1, 1], [27])]),
        OpCase("gemm bias row", "Gemm", [f32([2, 2], [1, 0, 0, 1]), f32([2, 2], [1, 2, 3, 4]), f32([2], [1, 1])], [f32([2, 2], [2, 3, 4, 5])]),
        // One row or one column goes through BLAS gemv: every transpose flag, alpha and beta.
        OpCase("gemm row vector transposed", "Gemm", [int("transA", 1), int("transB", 1), float("alpha", 2), float("beta", 0.5)],
               [f32([3, 1], [1, 2, 3]), f32([2, 3], [1, 0, 1, 0, 1, 2]), f32([1], [1])], [f32([1, 2], [8.5, 16.5])]),
        OpCase("gemm column vector", "Gemm", [int("transB", 1)],
               [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([1, 3], [1, 1, 2]), nil], [f32([2, 1], [9, 21])]),
        OpCase("gemm column vector transA", "Gemm", [int("transA", 1)],
               [f32([3, 2], [1, 4, 2, 5, 3, 6]), f32([3, 1], [1, 1, 2]), f32([2, 1], [10, 20])], [f32([2, 1], [19, 41])]),
        OpCase("gemm no C", "Gemm", [f32([1, 2], [1, 2]), f32([2, 1], [3, 4]), nil], [f32([1, 1], [11])]),
        OpCase("einsum matmul", "Einsum", [string("equation", "ij,jk->ik")], [f32([1, 2], [1, 2]), f32([2, 1], [3, 4])], [f32([1, 1], [11])]),
        OpCase("einsum transpose implicit", "Einsum", [string("equation", "ji")], [f32([2, 1], [1, 2])], [f32([1, 2], [1, 2])]),
        OpCase("einsum trace", "Einsum", [string("equation", "ii->")], [f32([2, 2], [1, 2, 3, 4])], [f32([], [5])]),
        OpCase("einsum batch ellipsis", "Einsum", [string("equation", "...ij,...jk->...ik")],
               [f32([2, 1, 1], [2, 3]), f32([1, 1], [5])], [f32([2, 1, 1], [10, 15])]),
        OpCase("einsum outer", "Einsum", [string("equation", "i,j->ij")], [f32([2], [1, 2]), f32([2], [3, 4])], [f32([2, 2], [3, 4, 6, 8])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

@Suite struct ActivationKernelTests {
    static let x = f32([4], [-2, -0.5, 0, 3])
    static let cases: [OpCase] = [
        OpCase("relu", "Relu", [x], [f32([4], [0, 0, 0, 3])]),
        OpCase("relu int", "Relu", [i32([2], [-1, 2])], [i32([2], [0, 2])]),
        OpCase("leaky relu", "LeakyRelu", [float("alpha", 0.1)], [x], [f32([4], [-0.2, -0.05, 0, 3])]),
        OpCase("prelu broadcast", "PRelu", [f32([2, 2], [-1, 1, -1, 1]), f32([2], [0.5, 2])], [f32([2, 2], [-0.5, 1, -0.5, 1])]),
        OpCase("elu", "Elu", [f32([2], [-1, 1])], [f32([2], [-0.63212055, 1])]),
        OpCase("selu", "Selu", [f32([2], [-1, 1])], [f32([2], [-1.1113307, 1.050701])]),
        OpCase("celu", "Celu", [float("alpha", 2)], [f32([2], [-2, 1])], [f32([2], [-1.2642411, 1])]),
        OpCase("sigmoid", "Sigmoid", [f32([3], [0, -100, 100])], [f32([3], [0.5, 0, 1])]),
        OpCase("hard sigmoid", "HardSigmoid", [f32([3], [-10, 0, 10])], [f32([3], [0, 0.5, 1])]),
        OpCase("hard swish", "HardSwish", [f32([3], [-4, 0, 1])], [f32([3], [0, 0, 0.6666667])]),
        OpCase("softplus", "Softplus", [f32([2], [0, 100])], [f32([2], [0.6931472, 100])]),
        OpCase("softsign", "Softsign", [f32([2], [1, -3])], [f32([2], [0.5, -0.75])]),
        OpCase("gelu", "Gelu", opset: 20, [f32([2], [0, 1])], [f32([2], [0, 0.8413447])]),
        OpCase("gelu tanh", "Gelu", opset: 20, [string("approximate", "tanh")], [f32([1], [1])], [f32([1], [0.8411920])]),
        OpCase("mish", "Mish", [f32([1], [1])], [f32([1], [0.8650984])]),
        OpCase("thresholded relu", "ThresholdedRelu", [float("alpha", 1)], [f32([3], [0.5, 1, 2])], [f32([3], [0, 0, 2])]),
        OpCase("clip inputs", "Clip", [x, f32([], [-1]), f32([], [1])], [f32([4], [-1, -0.5, 0, 1])]),
        OpCase("clip only max", "Clip", [x, nil, f32([], [0])], [f32([4], [-2, -0.5, 0, 0])]),
        OpCase("clip only min", "Clip", [x, f32([], [0])], [f32([4], [0, 0, 0, 3])]),
        OpCase("clip keeps NaN", "Clip", [f32([2, 2], [.nan, -7, 7, 0.5]), f32([], [-1]), f32([], [1])], [f32([2, 2], [.nan, -1, 1, 0.5])]),
        OpCase("clip empty", "Clip", [f32([0, 3], []), f32([], [-1]), f32([], [1])], [f32([0, 3], [])]),
        OpCase("clip int", "Clip", [i32([3], [-5, 0, 5]), i32([], [-1]), i32([], [1])], [i32([3], [-1, 0, 1])]),
        OpCase("clip legacy attrs", "Clip", opset: 6, [float("min", 0)], [x], [f32([4], [0, 0, 0, 3])]),
        OpCase("softmax last axis", "Softmax", [f32([2, 2], [0, 0, 1, 1])], [f32([2, 2], [0.5, 0.5, 0.5, 0.5])]),
        OpCase("softmax axis 0", "Softmax", [int("axis", 0)], [f32([2, 1], [0, 0])], [f32([2, 1], [0.5, 0.5])]),
        OpCase("softmax legacy flattens", "Softmax", opset: 11, [int("axis", 0)], [f32([2, 1], [0, 0])], [f32([2, 1], [0.5, 0.5])]),
        OpCase("softmax legacy default axis 1", "Softmax", opset: 11, [f32([1, 2, 1], [0, 0])], [f32([1, 2, 1], [0.5, 0.5])]),
        OpCase("log softmax", "LogSoftmax", [f32([2], [0, 0])], [f32([2], [-0.6931472, -0.6931472])]),
        OpCase("hardmax first max", "Hardmax", [f32([2, 3], [1, 3, 3, 0, 0, -1])], [f32([2, 3], [0, 1, 0, 1, 0, 0])]),
        OpCase("softmax empty", "Softmax", [f32([0, 3], [])], [f32([0, 3], [])]),
        OpCase("softmax float16", "Softmax", [f16([2], [0, 0])], [f16([2], [0.5, 0.5])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct ReduceKernelTests {
    static let x = f32([2, 3], [1, 2, 3, 4, 5, 6])
    static let cases: [OpCase] = [
        OpCase("sum axis 1", "ReduceSum", [x, i64([1], [1])], [f32([2, 1], [6, 15])]),
        OpCase("sum negative axis no keepdims", "ReduceSum", [int("keepdims", 0)], [x, i64([1], [-2])], [f32([3], [5, 7, 9])]),
        OpCase("sum all", "ReduceSum", [x, nil], [f32([1, 1], [21])]),
        OpCase("sum noop", "ReduceSum", [int("noop_with_empty_axes", 1)], [x, i64([0], [])], [x]),
        OpCase("sum legacy axes attr", "ReduceSum", opset: 11, [ints("axes", [0])], [x], [f32([1, 3], [5, 7, 9])]),
        OpCase("sum empty", "ReduceSum", [f32([0, 2], []), i64([1], [0])], [f32([1, 2], [0, 0])]),
        OpCase("sum int", "ReduceSum", [i64([2, 2], [1, 2, 3, 4]), i64([1], [0])], [i64([1, 2], [4, 6])]),
        OpCase("mean", "ReduceMean", opset: 18, [x, i64([1], [1])], [f32([2, 1], [2, 5])]),
        OpCase("mean legacy", "ReduceMean", opset: 13, [ints("axes", [0]), int("keepdims", 0)], [x], [f32([3], [2.5, 3.5, 4.5])]),
        OpCase("max", "ReduceMax", opset: 18, [x, i64([1], [1])], [f32([2, 1], [3, 6])]),
        OpCase("max nan", "ReduceMax", opset: 18, [f32([2], [1, .nan]), nil], [f32([1], [.nan])]),
        OpCase("max empty", "ReduceMax", opset: 18, [f32([0], []), nil], [f32([1], [-.infinity])]),
        OpCase("max bool", "ReduceMax", opset: 20, [bools([2, 2], [false, true, false, false]), i64([1], [1])], [bools([2, 1], [true, false])]),
        OpCase("min int", "ReduceMin", opset: 18, [i32([2, 2], [3, 1, 4, 1]), i64([1], [0])], [i32([1, 2], [3, 1])]),
        OpCase("prod", "ReduceProd", opset: 18, [x, i64([1], [1])], [f32([2, 1], [6, 120])]),
        OpCase("l1", "ReduceL1", opset: 18, [f32([3], [-1, 2, -3]), nil], [f32([1], [6])]),
        OpCase("l2", "ReduceL2", opset: 18, [f32([2], [3, 4]), nil], [f32([1], [5])]),
        OpCase("log sum", "ReduceLogSum", opset: 18, [f32([2], [1, 1]), nil], [f32([1], [0.6931472])]),
        OpCase("log sum exp stable", "ReduceLogSumExp", opset: 18, [f32([2], [1000, 1000]), nil], [f32([1], [1000.6931])]),
        OpCase("sum square", "ReduceSumSquare", opset: 18, [x, i64([1], [0])], [f32([1, 3], [17, 29, 45])]),
        OpCase("axis out of range", "ReduceSum", [x, i64([1], [2])], error: "out of range"),
        OpCase("argmax", "ArgMax", [x], [i64([1, 3], [1, 1, 1])]),
        OpCase("argmax negative axis", "ArgMax", [int("axis", -1), int("keepdims", 0)], [f32([2, 3], [1, 9, 9, 7, 2, 7])], [i64([2], [1, 0])]),
        OpCase("argmax last index", "ArgMax", [int("axis", 1), int("select_last_index", 1)], [f32([1, 3], [9, 1, 9])], [i64([1, 1], [2])]),
        OpCase("argmin", "ArgMin", [int("axis", 1)], [f32([2, 2], [3, 1, 0, 5])], [i64([2, 1], [1, 0])]),
        OpCase("cumsum", "CumSum", [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([], [1])], [f32([2, 3], [1, 3, 6, 4, 9, 15])]),
        OpCase("cumsum exclusive reverse", "CumSum", [int("exclusive", 1), int("reverse", 1)], [i32([3], [1, 2, 3]), i32([], [0])], [i32([3], [5, 3, 0])]),
        OpCase("cumsum negative axis", "CumSum", [f32([2, 2], [1, 2, 3, 4]), i64([], [-2])], [f32([2, 2], [1, 2, 4, 6])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }

    /// Sum-like reductions against per-output double sums, where the reduced dims are trailing
    /// (the contiguous-run path, with and without size-1 dims in between) and where they are not.
    @Test(arguments: [([2, 3, 5, 7], [2, 3]), ([2, 3, 5, 7], [1, 2, 3]), ([4, 1, 9, 1], [2]), ([3, 1, 6], [1, 2]),
                      ([2, 3, 4], [1]), ([2, 3, 4], [0, 2]), ([2, 3, 37, 41], [2, 3]), ([1, 5, 1000], [2])])
    func sumReductionsMatchNaiveLoops(_ shape: [Int], _ axes: [Int]) throws {
        let n = Tensor.elementCount(shape)
        let x = (0..<n).map { Float(($0 &* 7919) % 211) / 37 - 2.5 }
        let strides = Shapes.strides(shape)
        var outShape = shape
        for a in axes { outShape[a] = 1 }
        var sums = [Double](repeating: 0, count: Tensor.elementCount(outShape)), squares = sums
        let outStrides = Shapes.strides(outShape)
        for i in 0..<n {
            var o = 0
            for d in 0..<shape.count where !axes.contains(d) { o += (i / strides[d]) % shape[d] * outStrides[d] }
            sums[o] += Double(x[i]); squares[o] += Double(x[i]) * Double(x[i])
        }
        let count = Double(axes.reduce(1) { $0 * shape[$1] })
        let expected: [(String, [Double])] = [("ReduceSum", sums), ("ReduceMean", sums.map { $0 / count }),
                                              ("ReduceSumSquare", squares), ("ReduceL2", squares.map { $0.squareRoot() })]
        // float32 rows sum in vector loops: every instruction-set level the CPU has.
        let top = withInstructionSetLevel { FastMath.level }
        for level in 0...top {
            try withInstructionSetLevel(level) {
                for (op, want) in expected {
                    let y = try #require(try runOp(op, opset: 18, [f32(shape, x), i64([axes.count], axes.map(Int64.init))])[0].tensor)
                    #expect(y.shape == outShape, "\(op)")
                    assertClose(y, f32(outShape, want.map { Float($0) }), rtol: 1e-6, atol: 1e-6, "\(op) level \(level)")
                }
            }
        }
    }
}

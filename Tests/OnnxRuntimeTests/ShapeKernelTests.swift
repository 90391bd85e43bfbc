import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct ShapeKernelTests {
    static let x = f32([2, 3], [1, 2, 3, 4, 5, 6])
    static let cases: [OpCase] = [
        OpCase("pad too large to allocate", "Pad", [f32([2, 2], [1, 2, 3, 4]), i64([4], [0, 0, 3_000_000_000, 3_000_000_000])], error: "too large"),
        OpCase("pad overflowing", "Pad", [f32([2, 2], [1, 2, 3, 4]), i64([4], [0, 0, Int64.max, 1])], error: "too large"),
        OpCase("constant of shape too large to allocate", "ConstantOfShape", [i64([2], [1_000_000, 1_000_000])], error: "too large"),
        OpCase("expand too large to allocate", "Expand", [f32([1], [1]), i64([3], [100_000, 100_000, 100_000])], error: "too large"),
        OpCase("reshape infer", "Reshape", [x, i64([2], [3, -1])], [f32([3, 2], [1, 2, 3, 4, 5, 6])]),
        OpCase("reshape copy dim", "Reshape", [x, i64([3], [0, 3, 1])], [f32([2, 3, 1], [1, 2, 3, 4, 5, 6])]),
        OpCase("reshape allowzero empty", "Reshape", [int("allowzero", 1)], [f32([0, 3], []), i64([2], [3, 0])], [f32([3, 0], [])]),
        OpCase("reshape bad count", "Reshape", [x, i64([1], [4])], error: "cannot reshape"),
        OpCase("flatten", "Flatten", [int("axis", -1)], [f32([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])], [f32([4, 2], [1, 2, 3, 4, 5, 6, 7, 8])]),
        OpCase("flatten axis 0", "Flatten", [int("axis", 0)], [x], [f32([1, 6], [1, 2, 3, 4, 5, 6])]),
        OpCase("squeeze all", "Squeeze", [f32([1, 2, 1], [1, 2]), nil], [f32([2], [1, 2])]),
        OpCase("squeeze negative axis", "Squeeze", [f32([1, 2, 1], [1, 2]), i64([1], [-1])], [f32([1, 2], [1, 2])]),
        OpCase("squeeze non-1", "Squeeze", [x, i64([1], [0])], error: "cannot squeeze"),
        OpCase("unsqueeze", "Unsqueeze", [f32([2], [1, 2]), i64([2], [0, -1])], [f32([1, 2, 1], [1, 2])]),
        OpCase("unsqueeze legacy", "Unsqueeze", opset: 11, [ints("axes", [1])], [f32([2], [1, 2])], [f32([2, 1], [1, 2])]),
        OpCase("transpose default", "Transpose", [x], [f32([3, 2], [1, 4, 2, 5, 3, 6])]),
        OpCase("transpose perm", "Transpose", [ints("perm", [1, 0, 2])], [f32([2, 2, 1], [1, 2, 3, 4])], [f32([2, 2, 1], [1, 3, 2, 4])]),
        OpCase("transpose strings", "Transpose", [strs([2, 2], ["a", "b", "c", "d"])], [strs([2, 2], ["a", "c", "b", "d"])]),
        OpCase("transpose bad perm", "Transpose", [ints("perm", [0, 0])], [x], error: "not a permutation"),
        OpCase("concat axis 1", "Concat", [int("axis", 1)], [f32([2, 1], [1, 2]), f32([2, 2], [3, 4, 5, 6])], [f32([2, 3], [1, 3, 4, 2, 5, 6])]),
        OpCase("concat negative axis with empty", "Concat", [int("axis", -1)], [f32([1, 0], []), f32([1, 2], [1, 2])], [f32([1, 2], [1, 2])]),
        OpCase("concat mismatch", "Concat", [int("axis", 0)], [f32([1, 2], [1, 2]), f32([1, 3], [1, 2, 3])], error: "must match"),
        OpCase("split equal", "Split", [int("axis", 1)], [f32([2, 2], [1, 2, 3, 4])], [f32([2, 1], [1, 3]), f32([2, 1], [2, 4])]),
        OpCase("split sizes", "Split", [x.reshaped([6]), i64([2], [2, 4])], [f32([2], [1, 2]), f32([4], [3, 4, 5, 6])]),
        OpCase("split num_outputs uneven", "Split", opset: 18, [int("num_outputs", 2)], [f32([5], [1, 2, 3, 4, 5])], [f32([3], [1, 2, 3]), f32([2], [4, 5])]),
        OpCase("expand", "Expand", [f32([3, 1], [1, 2, 3]), i64([2], [3, 3])], [f32([3, 3], [1, 1, 1, 2, 2, 2, 3, 3, 3])]),
        OpCase("expand bidirectional", "Expand", [f32([2], [1, 2]), i64([2], [2, 1])], [f32([2, 2], [1, 2, 1, 2])]),
        OpCase("tile", "Tile", [f32([2], [1, 2]), i64([1], [3])], [f32([6], [1, 2, 1, 2, 1, 2])]),
        OpCase("tile 2d", "Tile", [f32([1, 2], [1, 2]), i64([2], [2, 1])], [f32([2, 2], [1, 2, 1, 2])]),
        OpCase("pad constant", "Pad", [f32([2], [1, 2]), i64([2], [1, 2]), f32([], [9])], [f32([5], [9, 1, 2, 9, 9])]),
        OpCase("pad reflect", "Pad", [string("mode", "reflect")], [f32([3], [1, 2, 3]), i64([2], [2, 2])], [f32([7], [3, 2, 1, 2, 3, 2, 1])]),
        OpCase("pad edge", "Pad", [string("mode", "edge")], [f32([2], [1, 2]), i64([2], [1, 1])], [f32([4], [1, 1, 2, 2])]),
        OpCase("pad wrap", "Pad", [string("mode", "wrap")], [f32([3], [1, 2, 3]), i64([2], [1, 2])], [f32([6], [3, 1, 2, 3, 1, 2])]),
        OpCase("pad negative crops", "Pad", [f32([4], [1, 2, 3, 4]), i64([2], [-1, 1])], [f32([4], [2, 3, 4, 0])]),
        OpCase("pad axes", "Pad", [f32([1, 2], [1, 2]), i64([2], [1, 0]), nil, i64([1], [-1])], [f32([1, 3], [0, 1, 2])]),
        // Rank 3: pads on every dim, whole constant rows, reflected rows, crops of outer dims (numpy.pad).
        OpCase("pad constant 3d", "Pad", [f32([2, 3, 4], (1...24).map { Float($0) }), i64([6], [1, 0, 2, 0, 1, 1]), f32([], [9])],
               [f32([3, 4, 7], [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 4, 9, 9, 9, 5, 6, 7, 8, 9, 9, 9, 9, 10, 11, 12, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 13, 14, 15, 16, 9, 9, 9, 17, 18, 19, 20, 9, 9, 9, 21, 22, 23, 24, 9, 9, 9, 9, 9, 9, 9, 9])]),
        OpCase("pad reflect 3d", "Pad", [string("mode", "reflect")], [f32([2, 3, 4], (1...24).map { Float($0) }), i64([6], [0, 1, 1, 1, 2, 2])],
               [f32([3, 6, 7], [6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2, 6, 5, 6, 7, 8, 7, 6, 10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2, 18, 17, 18, 19, 20, 19, 18, 14, 13, 14, 15, 16, 15, 14, 18, 17, 18, 19, 20, 19, 18, 22, 21, 22, 23, 24, 23, 22, 18, 17, 18, 19, 20, 19, 18, 14, 13, 14, 15, 16, 15, 14, 6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2, 6, 5, 6, 7, 8, 7, 6, 10, 9, 10, 11, 12, 11, 10, 6, 5, 6, 7, 8, 7, 6, 2, 1, 2, 3, 4, 3, 2])]),
        OpCase("pad crops 3d", "Pad", [f32([2, 3, 4], (1...24).map { Float($0) }), i64([6], [0, -1, -1, 0, 0, 1])],
               [f32([2, 2, 4], [6, 7, 8, 0, 10, 11, 12, 0, 18, 19, 20, 0, 22, 23, 24, 0])]),
        OpCase("pad strings", "Pad", [strs([2, 1], ["a", "b"]), i64([4], [0, 1, 1, 0]), strs([], ["-"])], [strs([3, 2], ["-", "a", "-", "b", "-", "-"])]),
        OpCase("pad empty dim constant", "Pad", [f32([2, 0], []), i64([4], [0, 1, 0, 1])], [f32([2, 2], [0, 0, 0, 0])]),
        OpCase("pad legacy attrs", "Pad", opset: 2, [ints("pads", [0, 1]), float("value", 7)], [f32([1], [1])], [f32([2], [1, 7])]),
        OpCase("shape", "Shape", [x], [i64([2], [2, 3])]),
        OpCase("shape slice", "Shape", [int("start", -1)], [x], [i64([1], [3])]),
        OpCase("size", "Size", [x], [i64([], [6])]),
        OpCase("identity", "Identity", [x], [x]),
        OpCase("depth to space DCR", "DepthToSpace", [int("blocksize", 2)], [f32([1, 4, 1, 1], [1, 2, 3, 4])], [f32([1, 1, 2, 2], [1, 2, 3, 4])]),
        OpCase("space to depth", "SpaceToDepth", [int("blocksize", 2)], [f32([1, 1, 2, 2], [1, 2, 3, 4])], [f32([1, 4, 1, 1], [1, 2, 3, 4])]),
        OpCase("constant of shape", "ConstantOfShape", [Attribute("value", .tensor(Tensor(shape: [1], [Int64(7)]).tensorData()))], [i64([2], [1, 2])], [i64([1, 2], [7, 7])]),
        OpCase("constant of shape empty", "ConstantOfShape", [i64([1], [0])], [f32([0], [])]),
        OpCase("range", "Range", [f32([], [1]), f32([], [2]), f32([], [0.25])], [f32([4], [1, 1.25, 1.5, 1.75])]),
        OpCase("range negative int", "Range", [i32([], [10]), i32([], [4]), i32([], [-3])], [i32([2], [10, 7])]),
        OpCase("range empty", "Range", [i64([], [5]), i64([], [1]), i64([], [1])], [i64([0], [])]),
        OpCase("eyelike", "EyeLike", [int("k", 1)], [f32([2, 3], [0, 0, 0, 0, 0, 0])], [f32([2, 3], [0, 1, 0, 0, 0, 1])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }

    /// Transposes large enough for the tiled copy (the source's contiguous axis moves away from
    /// the last), with sizes that are not multiples of the tile and axes of size 1 around them,
    /// against index arithmetic, for float32 and strings.
    @Test(arguments: [
        ([70, 45], [1, 0]),
        ([3, 40, 9], [0, 2, 1]),
        ([2, 33, 1, 37], [3, 0, 2, 1]),
        ([5, 12, 66, 10], [0, 2, 1, 3]),
        ([4, 20, 3, 17], [2, 3, 0, 1]),
        ([9, 8, 7, 6], [3, 1, 2, 0]),
    ])
    func tiledTranspose(_ shape: [Int], _ perm: [Int]) throws {
        let n = shape.reduce(1, *)
        let x = f32(shape, (0..<n).map { Float($0) })
        let y = try runOp("Transpose", attrs: [ints("perm", perm.map { Int64($0) })], [x])[0].tensor!
        let outShape = perm.map { shape[$0] }
        let inStrides = Shapes.strides(shape), outStrides = Shapes.strides(outShape)
        var want = [Float](repeating: -1, count: n)
        for flat in 0..<n {
            var rem = flat, src = 0
            for d in 0..<outShape.count {
                let i = rem / outStrides[d]
                rem %= outStrides[d]
                src += i * inStrides[perm[d]]
            }
            want[flat] = Float(src)
        }
        assertClose(y, f32(outShape, want), rtol: 0, atol: 0, "\(shape) perm \(perm)")
        let s = try runOp("Transpose", attrs: [ints("perm", perm.map { Int64($0) })], [strs(shape, (0..<n).map { String($0) })])[0].tensor!
        assertClose(s, strs(outShape, want.map { String(Int($0)) }), "strings \(shape) perm \(perm)")
    }

    @Test func constant() throws {
        let out = try runOp("Constant", attrs: [Attribute("value_ints", .ints([1, 2]))], [])
        assertClose(out[0].tensor!, i64([2], [1, 2]))
        #expect(throws: (any Error).self) { try runOp("Constant", attrs: [], []) }
    }
}

extension Tensor {
    /// Test helper: the same shape with other int64 values.
    func withValues(_ v: [Int64]) -> Tensor { Tensor(shape: shape, v) }
}

import OnnxModel
@testable import OnnxRuntime
import Testing

/// Seeded random ops draw what numpy's legacy RandomState draws (the expected values come from
/// onnx's reference implementation with the same seeds).
@Suite struct RandomKernelTests {
    static let cases: [OpCase] = [
        OpCase("uniform seeded", "RandomUniform", opset: 22, [ints("shape", [4]), float("seed", 5)],
               [], [f32([4], [0.22199318, 0.87073231, 0.20671916, 0.91861093])]),
        OpCase("normal seeded", "RandomNormal", opset: 22, [ints("shape", [2, 2]), float("seed", 3), float("mean", 1), float("scale", 2)],
               [], [f32([2, 2], [4.5772572, 1.8730197, 1.192995, -2.7269855])]),
        OpCase("uniform double", "RandomUniform", opset: 22, [ints("shape", [2]), float("seed", 5), float("low", -1), float("high", 3), int("dtype", 11)],
               [], [f64([2], [-0.11202732, 2.48292922])]),
        OpCase("bernoulli seeded int64", "Bernoulli", opset: 22, [float("seed", 7), int("dtype", 7)],
               [f32([6], [0.2, 0.5, 0.9, 0.7, 0.1, 0.6])], [i64([6], [0, 1, 1, 0, 1, 1])]),
        OpCase("bernoulli certain", "Bernoulli", opset: 22, [f64([4], [0, 1, 0, 1])], [f64([4], [0, 1, 0, 1])]),
        OpCase("bernoulli bad probability", "Bernoulli", opset: 22, [f32([1], [1.5])], error: "not in [0, 1]"),
        OpCase("normal like keeps type", "RandomNormalLike", opset: 22, [float("seed", 1)], [f64([2], [0, 0])], [f64([2], [1.62434536, -0.61175641])]),
        OpCase("uniform like dtype", "RandomUniformLike", opset: 22, [float("seed", 2), int("dtype", 1)], [f64([2], [0, 0])],
               [f32([2], [0.4359949, 0.02592623])]),
        OpCase("uniform like int input", "RandomUniformLike", opset: 22, [i64([1], [0])], error: "dtype must be"),
        OpCase("multinomial certain class", "Multinomial", opset: 22, [int("sample_size", 3), float("seed", 1)],
               [f32([2, 3], [0, -Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity, 5])], [i32([2, 3], [0, 0, 0, 2, 2, 2])]),
        OpCase("multinomial bad rank", "Multinomial", opset: 22, [f32([3], [0, 0, 0])], error: "batch_size"),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }

    @Test func seededRunsRepeatAndUnseededRunsDiffer() throws {
        let seeded = [ints("shape", [64]), float("seed", 11)]
        let a = try #require(try runOp("RandomNormal", opset: 22, attrs: seeded, [])[0].tensor)
        let b = try #require(try runOp("RandomNormal", opset: 22, attrs: seeded, [])[0].tensor)
        #expect(a.elements(as: Float.self) == b.elements(as: Float.self))
        let c = try #require(try runOp("RandomUniform", opset: 22, attrs: [ints("shape", [64])], [])[0].tensor)
        let d = try #require(try runOp("RandomUniform", opset: 22, attrs: [ints("shape", [64])], [])[0].tensor)
        #expect(c.elements(as: Float.self) != d.elements(as: Float.self))
        #expect(c.elements(as: Float.self).allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func multinomialFollowsTheDistribution() throws {
        let out = try #require(try runOp("Multinomial", opset: 22, attrs: [int("sample_size", 4000), int("dtype", 7), float("seed", 3)],
                                         [f32([1, 2], [0, Float.log(3)])])[0].tensor)
        #expect(out.dtype == .int64 && out.shape == [1, 4000])
        let ones = out.elements(as: Int64.self).filter { $0 == 1 }.count
        #expect(abs(Double(ones) / 4000 - 0.75) < 0.03)
    }
}

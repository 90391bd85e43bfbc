import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct LogicKernelTests {
    static let cases: [OpCase] = [
        OpCase("equal broadcast", "Equal", [i64([2, 2], [1, 2, 3, 4]), i64([2], [1, 4])], [bools([2, 2], [true, false, false, true])]),
        OpCase("equal strings", "Equal", [strs([2], ["a", "b"]), strs([], ["b"])], [bools([2], [false, true])]),
        OpCase("less nan", "Less", [f32([3], [1, .nan, 3]), f32([3], [2, 1, 3])], [bools([3], [true, false, false])]),
        OpCase("less or equal", "LessOrEqual", [f32([3], [1, 2, 3]), f32([], [2])], [bools([3], [true, true, false])]),
        OpCase("greater", "Greater", [i32([3], [1, 2, 3]), i32([1], [2])], [bools([3], [false, false, true])]),
        OpCase("greater or equal", "GreaterOrEqual", [f16([2], [1, 2]), f16([2], [2, 2])], [bools([2], [false, true])]),
        OpCase("equal bool", "Equal", [bools([2], [true, false]), bools([2], [true, true])], [bools([2], [true, false])]),
        OpCase("and", "And", [bools([2, 2], [true, true, false, false]), bools([2], [true, false])], [bools([2, 2], [true, false, false, false])]),
        OpCase("or", "Or", [bools([2], [true, false]), bools([2], [false, false])], [bools([2], [true, false])]),
        OpCase("xor", "Xor", [bools([2], [true, true]), bools([2], [false, true])], [bools([2], [true, false])]),
        OpCase("not", "Not", [bools([3], [true, false, true])], [bools([3], [false, true, false])]),
        OpCase("and needs bool", "And", [i32([1], [1]), i32([1], [1])], error: "must be bool"),
        OpCase("where broadcast", "Where", [bools([2], [true, false]), f32([2, 2], [1, 2, 3, 4]), f32([], [0])], [f32([2, 2], [1, 0, 3, 0])]),
        OpCase("where strings", "Where", [bools([2], [false, true]), strs([2], ["a", "b"]), strs([2], ["c", "d"])], [strs([2], ["c", "b"])]),
        OpCase("where empty", "Where", [bools([0], []), f32([0], []), f32([0], [])], [f32([0], [])]),
        OpCase("isnan", "IsNaN", [f32([3], [1, .nan, .infinity])], [bools([3], [false, true, false])]),
        OpCase("isinf negative only", "IsInf", [int("detect_positive", 0)], [f32([3], [-.infinity, .infinity, 1])], [bools([3], [true, false, false])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

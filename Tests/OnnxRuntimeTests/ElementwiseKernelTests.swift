import OnnxModel
@testable import OnnxRuntime
import Testing

/// Element-wise math: broadcasting, integer semantics, empty tensors, reduced float types.
@Suite struct ElementwiseKernelTests {
    static let cases: [OpCase] = [
        OpCase("same shape", "Add", [f32([2], [1, 2]), f32([2], [10, 20])], [f32([2], [11, 22])]),
        OpCase("row broadcast", "Add", [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([3], [10, 20, 30])], [f32([2, 3], [11, 22, 33, 14, 25, 36])]),
        OpCase("column broadcast", "Sub", [f32([2, 3], [1, 2, 3, 4, 5, 6]), f32([2, 1], [1, 2])], [f32([2, 3], [0, 1, 2, 2, 3, 4])]),
        OpCase("both broadcast", "Mul", [f32([2, 1], [1, 2]), f32([1, 3], [1, 10, 100])], [f32([2, 3], [1, 10, 100, 2, 20, 200])]),
        OpCase("scalar", "Mul", [f32([], [3]), f32([2], [1, 2])], [f32([2], [3, 6])]),
        OpCase("empty", "Add", [f32([0, 3], []), f32([3], [1, 2, 3])], [f32([0, 3], [])]),
        OpCase("int wraps", "Add", [i32([1], [Int32.max]), i32([1], [1])], [i32([1], [Int32.min])]),
        OpCase("int div truncates", "Div", [i64([4], [7, -7, 7, -7]), i64([4], [2, 2, -2, -2])], [i64([4], [3, -3, -3, 3])]),
        OpCase("int div by zero", "Div", [i32([1], [5]), i32([1], [0])], [i32([1], [0])]),
        OpCase("float16", "Add", [f16([2], [1.5, 2]), f16([2], [0.25, 1])], [f16([2], [1.75, 3])]),
        OpCase("legacy axis broadcast", "Add", opset: 6, [int("broadcast", 1), int("axis", 0)],
               [f32([2, 2], [1, 2, 3, 4]), f32([2], [10, 20])], [f32([2, 2], [11, 12, 23, 24])]),
        OpCase("shape mismatch", "Add", [f32([2], [1, 2]), f32([3], [1, 2, 3])], error: "cannot be broadcast"),
        OpCase("type mismatch", "Add", [f32([1], [1]), i64([1], [1])], error: "types differ"),
        OpCase("pow float", "Pow", [f32([3], [2, 3, 4]), f32([1], [2])], [f32([3], [4, 9, 16])]),
        OpCase("pow int", "Pow", [i64([3], [2, 3, -2]), i64([3], [3, 2, 3])], [i64([3], [8, 9, -8])]),
        OpCase("pow mixed", "Pow", [f32([2], [2, 4]), i64([2], [3, 2])], [f32([2], [8, 16])]),
        OpCase("pow int by float", "Pow", [i32([2], [2, 9]), f32([2], [0.5, 0.5])], [i32([2], [1, 3])]),
        OpCase("mod floor", "Mod", [i32([4], [5, -5, 5, -5]), i32([4], [3, 3, -3, -3])], [i32([4], [2, 1, -1, -2])]),
        OpCase("mod fmod", "Mod", [int("fmod", 1)], [f32([4], [5, -5, 5, -5]), f32([4], [3, 3, -3, -3])], [f32([4], [2, -2, 2, -2])]),
        OpCase("mod float floor", "Mod", [f32([3], [5, -5, 0]), f32([3], [3, 3, -3])], [f32([3], [2, 1, -0.0])]),
        OpCase("neg int", "Neg", [i32([3], [1, -2, 0])], [i32([3], [-1, 2, 0])]),
        OpCase("abs int min", "Abs", [i32([2], [Int32.min, -3])], [i32([2], [Int32.min, 3])]),
        OpCase("sign", "Sign", [f32([4], [-2, 0, 3, .nan])], [f32([4], [-1, 0, 1, .nan])]),
        OpCase("sqrt", "Sqrt", [f32([3], [4, 0, -1])], [f32([3], [2, 0, .nan])]),
        OpCase("exp log", "Exp", [f64([2], [0, 1])], [f64([2], [1, 2.718281828459045])]),
        OpCase("log", "Log", [f32([2], [1, 0])], [f32([2], [0, -.infinity])]),
        OpCase("reciprocal", "Reciprocal", [f32([2], [2, -4])], [f32([2], [0.5, -0.25])]),
        OpCase("floor ceil", "Floor", [f32([3], [1.5, -1.5, 2])], [f32([3], [1, -2, 2])]),
        OpCase("ceil", "Ceil", [f32([3], [1.5, -1.5, 2])], [f32([3], [2, -1, 2])]),
        OpCase("round half even", "Round", [f32([5], [0.5, 1.5, 2.5, -0.5, -1.6])], [f32([5], [0, 2, 2, -0.0, -2])]),
        OpCase("erf", "Erf", [f32([2], [0, 1])], [f32([2], [0, 0.8427008])]),
        OpCase("trig", "Sin", [f32([2], [0, .pi / 2])], [f32([2], [0, 1])]),
        OpCase("acos", "Acos", [f32([2], [1, 0])], [f32([2], [0, .pi / 2])]),
        OpCase("atanh", "Atanh", [f32([1], [0.5])], [f32([1], [0.54930615])]),
        OpCase("sqrt of int", "Sqrt", [i32([1], [4])], error: "not supported"),
        OpCase("empty unary", "Exp", [f32([0], [])], [f32([0], [])]),
        OpCase("max variadic", "Max", [f32([2], [1, 5]), f32([2], [3, 2]), f32([], [4])], [f32([2], [4, 5])]),
        OpCase("max nan", "Max", [f32([2], [.nan, 1]), f32([2], [1, 2])], [f32([2], [.nan, 2])]),
        OpCase("min int", "Min", [i64([3], [1, 5, -3]), i64([1], [2])], [i64([3], [1, 2, -3])]),
        OpCase("sum", "Sum", [f32([2], [1, 2]), f32([2], [3, 4]), f32([2], [5, 6])], [f32([2], [9, 12])]),
        OpCase("mean", "Mean", [f32([2], [1, 2]), f32([2, 1], [3, 5])], [f32([2, 2], [2, 2.5, 3, 3.5])]),
        OpCase("bitshift left", "BitShift", [string("direction", "LEFT")], [u8([3], [1, 2, 255]), u8([3], [1, 2, 1])], [u8([3], [2, 8, 254])]),
        OpCase("bitshift right signed", "BitShift", [string("direction", "RIGHT")], [i32([2], [-8, 8]), i32([2], [1, 40])], [i32([2], [-4, 0])]),
        OpCase("bitwise and", "BitwiseAnd", [i32([2], [12, 10]), i32([1], [6])], [i32([2], [4, 2])]),
        OpCase("bitwise not", "BitwiseNot", [u8([2], [0, 15])], [u8([2], [255, 240])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

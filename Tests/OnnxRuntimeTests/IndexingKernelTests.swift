import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct IndexingKernelTests {
    static let x = f32([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])
    static let cases: [OpCase] = [
        OpCase("slice", "Slice", [x, i64([2], [0, 1]), i64([2], [2, 3])], [f32([2, 2], [2, 3, 5, 6])]),
        OpCase("slice negative step", "Slice", [f32([4], [1, 2, 3, 4]), i64([1], [-1]), i64([1], [Int64.min]), nil, i64([1], [-1])], [f32([4], [4, 3, 2, 1])]),
        OpCase("slice axes and step", "Slice", [x, i64([1], [0]), i64([1], [100]), i64([1], [-1]), i64([1], [2])], [f32([3, 2], [1, 3, 4, 6, 7, 9])]),
        OpCase("slice empty result", "Slice", [x, i64([1], [2]), i64([1], [1]), i64([1], [0])], [f32([0, 3], [])]),
        OpCase("slice legacy", "Slice", opset: 9, [ints("starts", [1]), ints("ends", [3]), ints("axes", [1])], [x], [f32([3, 2], [2, 3, 5, 6, 8, 9])]),
        OpCase("slice zero step", "Slice", [x, i64([1], [0]), i64([1], [1]), i64([1], [0]), i64([1], [0])], error: "non-zero"),
        OpCase("gather axis 0", "Gather", [x, i64([2], [2, 0])], [f32([2, 3], [7, 8, 9, 1, 2, 3])]),
        OpCase("gather negative index axis 1", "Gather", [int("axis", 1)], [x, i64([], [-1])], [f32([3], [3, 6, 9])]),
        OpCase("gather out of range", "Gather", [x, i64([1], [3])], error: "out of range"),
        OpCase("gather strings", "Gather", [strs([3], ["a", "b", "c"]), i32([2], [2, 2])], [strs([2], ["c", "c"])]),
        OpCase("gather elements", "GatherElements", [int("axis", 1)], [f32([2, 2], [1, 2, 3, 4]), i64([2, 2], [0, 0, 1, -2])], [f32([2, 2], [1, 1, 4, 3])]),
        OpCase("gather nd", "GatherND", [f32([2, 2], [1, 2, 3, 4]), i64([2, 2], [0, 0, 1, 1])], [f32([2], [1, 4])]),
        OpCase("gather nd slices", "GatherND", [f32([2, 2], [1, 2, 3, 4]), i64([1, 1], [1])], [f32([1, 2], [3, 4])]),
        OpCase("gather nd batch", "GatherND", [int("batch_dims", 1)], [f32([2, 2], [1, 2, 3, 4]), i64([2, 1], [1, 0])], [f32([2], [2, 3])]),
        OpCase("scatter elements", "ScatterElements", [int("axis", 1)], [f32([1, 3], [1, 2, 3]), i64([1, 2], [2, -3]), f32([1, 2], [9, 8])], [f32([1, 3], [8, 2, 9])]),
        OpCase("scatter elements add", "ScatterElements", [string("reduction", "add")], [f32([3], [1, 2, 3]), i64([2], [1, 1]), f32([2], [10, 20])], [f32([3], [1, 32, 3])]),
        OpCase("scatter deprecated", "Scatter", opset: 10, [int("axis", 0)], [f32([3], [1, 2, 3]), i64([1], [2]), f32([1], [9])], [f32([3], [1, 2, 9])]),
        OpCase("scatter nd", "ScatterND", [f32([4], [1, 2, 3, 4]), i64([2, 1], [3, 0]), f32([2], [9, 8])], [f32([4], [8, 2, 3, 9])]),
        OpCase("scatter nd max", "ScatterND", [string("reduction", "max")], [f32([2], [5, 5]), i64([2, 1], [0, 1]), f32([2], [1, 7])], [f32([2], [5, 7])]),
        OpCase("one hot", "OneHot", [i64([3], [0, 2, -1]), i64([], [3]), f32([2], [0, 1])], [f32([3, 3], [1, 0, 0, 0, 0, 1, 0, 0, 1])]),
        OpCase("one hot axis 0", "OneHot", [int("axis", 0)], [i64([2], [1, 5]), f32([], [2]), i32([2], [-1, 1])], [i32([2, 2], [-1, -1, 1, -1])]),
        OpCase("nonzero", "NonZero", [f32([2, 2], [1, 0, 0, 3])], [i64([2, 2], [0, 1, 0, 1])]),
        OpCase("nonzero empty", "NonZero", [f32([0], [])], [i64([1, 0], [])]),
        OpCase("topk", "TopK", [f32([1, 4], [1, 4, 3, 4]), i64([1], [2])], [f32([1, 2], [4, 4]), i64([1, 2], [1, 3])]),
        OpCase("topk smallest axis 0", "TopK", [int("axis", 0), int("largest", 0)], [f32([3], [3, 1, 2]), i64([1], [2])], [f32([2], [1, 2]), i64([2], [1, 2])]),
        OpCase("unique sorted", "Unique", [f32([5], [2, 1, 1, 3, 2])],
               [f32([3], [1, 2, 3]), i64([3], [1, 0, 3]), i64([5], [1, 0, 0, 2, 1]), i64([3], [2, 2, 1])]),
        OpCase("unique unsorted", "Unique", [int("sorted", 0)], [i64([4], [5, 3, 5, 1])],
               [i64([3], [5, 3, 1]), i64([3], [0, 1, 3]), i64([4], [0, 1, 0, 2]), i64([3], [2, 1, 1])]),
        OpCase("unique axis", "Unique", [int("axis", 0)], [f32([3, 2], [1, 2, 0, 1, 1, 2])],
               [f32([2, 2], [0, 1, 1, 2]), i64([2], [1, 0]), i64([3], [1, 0, 1]), i64([2], [1, 2])]),
        OpCase("trilu upper", "Trilu", [x, nil], [f32([3, 3], [1, 2, 3, 0, 5, 6, 0, 0, 9])]),
        OpCase("trilu lower k=-1", "Trilu", [int("upper", 0)], [x, i64([], [-1])], [f32([3, 3], [0, 0, 0, 4, 0, 0, 7, 8, 0])]),
        OpCase("compress axis", "Compress", [int("axis", 1)], [x, bools([2], [false, true])], [f32([3, 1], [2, 5, 8])]),
        OpCase("compress flat", "Compress", [f32([2, 2], [1, 2, 3, 4]), bools([4], [true, false, false, true])], [f32([2], [1, 4])]),
        OpCase("reverse sequence", "ReverseSequence", [int("batch_axis", 0), int("time_axis", 1)],
               [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [2, 3])], [f32([2, 3], [2, 1, 3, 6, 5, 4])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}

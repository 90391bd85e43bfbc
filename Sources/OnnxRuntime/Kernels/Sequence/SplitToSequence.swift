/// SplitToSequence: splits a tensor along `axis` into a sequence (by `split` sizes, a chunk size,
/// or into single slices with `keepdims` controlling whether the axis is kept).
public struct SplitToSequence: OpKernel {
    public static let sinceVersions = [11, 24]
    let axis: Int
    let keepdims: Bool

    public init(_ node: NodeContext) throws {
        axis = try node.int("axis", default: 0)
        keepdims = try node.int("keepdims", default: 1) != 0
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let a = try Shapes.axis(axis, rank: x.rank)
        let n = x.shape[a]
        var sizes: [Int]
        var squeeze = false
        if let split = try inputs.optionalTensor(1) {
            let v = try split.intValues()
            if split.rank == 0 {
                guard v[0] > 0 else { throw KernelError("split must be positive") }
                sizes = stride(from: 0, to: n, by: v[0]).map { min(v[0], n - $0) }
            } else {
                sizes = v
                guard sizes.reduce(0, +) == n, sizes.allSatisfy({ $0 >= 0 }) else { throw KernelError("split \(v) does not add up to \(n)") }
            }
        } else {
            sizes = [Int](repeating: 1, count: n)
            squeeze = !keepdims
        }
        var parts = try Split.apply(x, axis: a, sizes: sizes)
        if squeeze { parts = parts.map { t in var s = t.shape; s.remove(at: a); return t.reshaped(s) } }
        return [.sequence(SequenceValue(parts.map { .tensor($0) }, elementType: x.dtype))]
    }
}

/// Flatten: to 2-D, [prod(dims before axis), prod(dims from axis)].
public struct Flatten: OpKernel {
    public static let sinceVersions = [1, 9, 11, 13, 21, 23, 24, 25]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: 1) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let a = axis < 0 ? axis + x.rank : axis
        guard a >= 0 && a <= x.rank else { throw KernelError("axis \(axis) is out of range for rank \(x.rank)") }
        let outer = Tensor.elementCount(Array(x.shape[0..<a]))
        let inner = Tensor.elementCount(Array(x.shape[a...]))
        return [.tensor(x.reshaped([outer, inner]))]
    }
}

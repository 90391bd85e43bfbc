/// Split: cuts a tensor along `axis` into parts given by `split` (attribute before opset 13, input
/// after), or into equal parts (`num_outputs` from opset 18; the last part may be smaller).
public struct Split: OpKernel {
    public static let sinceVersions = [1, 2, 11, 13, 18]
    let axis: Int
    let splitAttr: [Int]?
    let numOutputs: Int?

    public init(_ node: NodeContext) throws {
        axis = try node.int("axis", default: 0)
        splitAttr = node.sinceVersion < 13 ? try node.ints("split") : nil
        numOutputs = try node.int("num_outputs")
    }

    public static func sizes(_ dim: Int, parts: Int, split: [Int]?) throws(KernelError) -> [Int] {
        if let split {
            guard split.allSatisfy({ $0 >= 0 }), split.reduce(0, +) == dim else {
                throw KernelError("split \(split) does not add up to the dim \(dim)")
            }
            return split
        }
        guard parts > 0 else { throw KernelError("cannot split into 0 parts") }
        let chunk = (dim + parts - 1) / parts
        var out: [Int] = []
        var left = dim
        for _ in 0..<parts {
            let s = min(chunk, left)
            out.append(s)
            left -= s
        }
        return out
    }

    public static func apply(_ x: Tensor, axis: Int, sizes: [Int]) throws(KernelError) -> [Tensor] {
        let a = try Shapes.axis(axis, rank: x.rank)
        let st = Shapes.strides(x.shape)
        var start = 0
        var out: [Tensor] = []
        for s in sizes {
            var shape = x.shape
            shape[a] = s
            out.append(try Movement.strided(x, offset: start * st[a], strides: st, shape: shape))
            start += s
        }
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let a = try Shapes.axis(axis, rank: x.rank)
        let split = try splitAttr ?? inputs.optionalTensor(1)?.intValues()
        let parts = numOutputs ?? context.outputCount
        if numOutputs != nil && split != nil { throw KernelError("give either the split input or num_outputs, not both") }
        let sizes = try Split.sizes(x.shape[a], parts: parts, split: split)
        if split != nil && sizes.count != context.outputCount {
            throw KernelError("split has \(sizes.count) parts but the node has \(context.outputCount) outputs")
        }
        return try Split.apply(x, axis: a, sizes: sizes).map { .tensor($0) }
    }
}

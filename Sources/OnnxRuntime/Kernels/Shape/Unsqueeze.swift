/// Unsqueeze: inserts size-1 dims at `axes` (positions in the output). Axes are an attribute before opset 13.
public struct Unsqueeze: OpKernel {
    public static let sinceVersions = [1, 11, 13, 21, 23, 24, 25]
    let axesAttr: [Int]?

    public init(_ node: NodeContext) throws { axesAttr = node.sinceVersion < 13 ? try node.ints("axes") : nil }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard let axes = try axesAttr ?? inputs.optionalTensor(1)?.intValues() else { throw KernelError("axes are missing") }
        let rank = x.rank + axes.count
        var insert = Set<Int>()
        for a in axes {
            let n = try Shapes.axis(a, rank: rank)
            guard insert.insert(n).inserted else { throw KernelError("axis \(a) is repeated") }
        }
        var shape: [Int] = []
        var it = x.shape.makeIterator()
        for i in 0..<rank { shape.append(insert.contains(i) ? 1 : it.next()!) }
        return [.tensor(x.reshaped(shape))]
    }
}

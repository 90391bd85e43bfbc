/// Squeeze: removes size-1 dims (the listed `axes`, or all of them). Axes are an attribute before opset 13.
public struct Squeeze: OpKernel {
    public static let sinceVersions = [1, 11, 13, 21, 23, 24, 25]
    let axesAttr: [Int]?

    public init(_ node: NodeContext) throws { axesAttr = node.sinceVersion < 13 ? try node.ints("axes") : nil }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let axes = try axesAttr ?? inputs.optionalTensor(1)?.intValues()
        var drop = Set<Int>()
        if let axes {
            for a in axes {
                let n = try Shapes.axis(a, rank: x.rank)
                guard x.shape[n] == 1 else { throw KernelError("cannot squeeze axis \(a): dim is \(x.shape[n]), not 1") }
                drop.insert(n)
            }
        } else {
            for (i, d) in x.shape.enumerated() where d == 1 { drop.insert(i) }
        }
        let shape = x.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        return [.tensor(x.reshaped(shape))]
    }
}

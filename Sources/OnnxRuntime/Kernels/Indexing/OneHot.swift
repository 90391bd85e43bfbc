/// OneHot: for each index, a vector of `depth` values (off, on at the index) inserted at `axis`.
/// Negative indices count from the end; out-of-range indices give all off.
public struct OneHot: OpKernel {
    public static let sinceVersions = [9, 11, 28]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: -1) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let indices = try inputs.tensor(0), depthT = try inputs.tensor(1), values = try inputs.tensor(2)
        guard depthT.count == 1 else { throw KernelError("depth must be a scalar") }
        let depthD = depthT.doubleValue(at: 0)
        guard depthD >= 1, depthD < 1e9 else { throw KernelError("depth must be positive, got \(depthD)") }
        let depth = Int(depthD)
        guard values.count == 2 else { throw KernelError("values must hold [off, on], got \(values.count) elements") }
        let rank = indices.rank + 1
        let a = try Shapes.axis(axis, rank: rank)
        let idx: [Int] = (0..<indices.count).map { Int(fromDouble: indices.doubleValue(at: $0).rounded(.towardZero)) }
        let outer = Tensor.elementCount(Array(indices.shape[0..<a])), inner = Tensor.elementCount(Array(indices.shape[a...]))
        var shape = indices.shape
        shape.insert(depth, at: a)
        // Flat index into values ([off, on]) for every output element.
        var pick = [Int](repeating: 0, count: outer * depth * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var j = idx[o * inner + i]
                if j < 0 { j += depth }
                if j >= 0 && j < depth { pick[(o * depth + j) * inner + i] = 1 }
            }
        }
        return [.tensor(try Movement.gather(values.reshaped([2]), indices: pick, shape: shape))]
    }
}

/// Trilu: keeps the upper (default) or lower triangle of the last two dims, shifted by diagonal k.
public struct Trilu: OpKernel {
    public static let sinceVersions = [14]
    let upper: Bool

    public init(_ node: NodeContext) throws { upper = try node.int("upper", default: 1) != 0 }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank >= 2 else { throw KernelError("input 0 has shape \(shapeText(x.shape)), expected at least 2 dims") }
        let k = try inputs.optionalTensor(1)?.intValues().first ?? 0
        let (r, c) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        let zero = Tensor.zeros(x.dtype, [1])
        // Flat source per element: itself where kept, else the zero appended at the end.
        var idx = [Int](repeating: 0, count: x.count)
        for f in 0..<x.count {
            let j = f % c, i = (f / c) % r
            let keep = upper ? (j - i >= k) : (j - i <= k)
            idx[f] = keep ? f : x.count
        }
        let joined = try Concat.apply([x.reshaped([x.count]), zero], axis: 0)
        return [.tensor(try Movement.gather(joined, indices: idx, shape: x.shape))]
    }
}

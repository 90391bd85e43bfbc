/// NonZero: the indices of the non-zero elements, as int64 [rank, count] in row-major order.
public struct NonZero: OpKernel {
    public static let sinceVersions = [9, 13]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype != .string else { throw KernelError.unsupported("input type string is not supported") }
        var hits: [Int] = []
        for i in 0..<x.count where x.doubleValue(at: i) != 0 { hits.append(i) }
        let r = max(x.rank, 1)
        var out = [Int64](repeating: 0, count: r * hits.count)
        let st = Shapes.strides(x.shape)
        for (k, f) in hits.enumerated() {
            if x.rank == 0 { out[k] = 0; continue }
            var rem = f
            for d in 0..<x.rank {
                out[d * hits.count + k] = Int64(rem / st[d])
                rem %= st[d]
            }
        }
        return [.tensor(Tensor(shape: [x.rank == 0 ? 0 : x.rank, hits.count], x.rank == 0 ? [] : out))]
    }
}

/// Tile: repeats the input `repeats[d]` times along each dim.
public struct Tile: OpKernel {
    public static let sinceVersions = [1, 6, 13]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let reps = try inputs.tensor(1).intValues()
        guard reps.count == x.rank, reps.allSatisfy({ $0 >= 0 }) else {
            throw KernelError("repeats \(reps) must have one non-negative entry per dim (rank \(x.rank))")
        }
        let shape = try Shapes.checked(zip(x.shape, reps).map { $0 * $1 })
        // Read the input through a view of shape [r0, d0, r1, d1, ...] with zero strides on the repeats.
        let st = Shapes.strides(x.shape)
        var vshape: [Int] = [], vstr: [Int] = []
        for d in 0..<x.rank {
            vshape += [reps[d], x.shape[d]]
            vstr += [0, st[d]]
        }
        let t = try Movement.strided(x, offset: 0, strides: vstr, shape: vshape)
        return [.tensor(t.reshaped(shape))]
    }
}

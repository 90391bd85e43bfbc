/// ReverseSequence: reverses the first `sequence_lens[b]` elements along `time_axis` for each batch b.
public struct ReverseSequence: OpKernel {
    public static let sinceVersions = [10, 28]
    let batchAxis: Int
    let timeAxis: Int

    public init(_ node: NodeContext) throws {
        batchAxis = try node.int("batch_axis", default: 1)
        timeAxis = try node.int("time_axis", default: 0)
        guard (batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0) else {
            throw KernelError("batch_axis and time_axis must be 0 and 1 in some order")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let lens = try inputs.tensor(1).intValues()
        guard x.rank >= 2 else { throw KernelError("input must have rank >= 2") }
        let nb = x.shape[batchAxis], nt = x.shape[timeAxis]
        guard lens.count == nb else { throw KernelError("sequence_lens has \(lens.count) entries, the batch has \(nb)") }
        let st = Shapes.strides(x.shape)
        var idx = Array(0..<x.count)
        for f in 0..<x.count {
            let b = (f / st[batchAxis]) % nb, t = (f / st[timeAxis]) % nt
            let l = lens[b]
            guard l >= 0 && l <= nt else { throw KernelError("sequence length \(l) is out of range [0, \(nt)]") }
            if t < l { idx[f] = f + (l - 1 - 2 * t) * st[timeAxis] }
        }
        return [.tensor(try Movement.gather(x, indices: idx, shape: x.shape))]
    }
}

/// GatherND: gathers slices of data addressed by the last dim of `indices`, after `batch_dims`
/// leading batch dims.
public struct GatherND: OpKernel {
    public static let sinceVersions = [11, 12, 13]
    let batchDims: Int

    public init(_ node: NodeContext) throws { batchDims = try node.int("batch_dims", default: 0) }

    /// For each index tuple: the flat data offset of its slice; plus the slice size and output shape.
    static func plan(_ data: [Int], _ indices: Tensor, batchDims b: Int) throws(KernelError) -> (offsets: [Int], slice: Int, outShape: [Int], tupleShape: [Int]) {
        guard indices.rank >= 1, b >= 0, b < min(data.count, indices.rank) else { throw KernelError("batch_dims \(b) is invalid for data rank \(data.count) and indices rank \(indices.rank)") }
        let q = indices.shape[indices.rank - 1]
        guard q >= 1, b + q <= data.count else { throw KernelError("indices last dim \(q) is too large for data rank \(data.count)") }
        for d in 0..<b where data[d] != indices.shape[d] { throw KernelError("batch dims of data \(shapeText(data)) and indices \(shapeText(indices.shape)) differ") }
        let idx = try indices.intValues()
        let ds = Shapes.strides(data)
        let batch = Tensor.elementCount(Array(data[0..<b]))
        let tuples = idx.count / q
        let perBatch = tuples / max(batch, 1)
        let slice = Tensor.elementCount(Array(data[(b + q)...]))
        var offsets: [Int] = []
        for t in 0..<tuples {
            let bi = perBatch == 0 ? 0 : t / perBatch
            var f = bi * (b > 0 ? ds[b - 1] : 0)
            for k in 0..<q {
                var j = idx[t * q + k]
                let n = data[b + k]
                if j < 0 { j += n }
                guard j >= 0 && j < n else { throw KernelError("index \(idx[t * q + k]) is out of range for dim \(b + k) of size \(n)") }
                f += j * ds[b + k]
            }
            offsets.append(f)
        }
        let tupleShape = Array(indices.shape.dropLast())
        return (offsets, slice, tupleShape + Array(data[(b + q)...]), tupleShape)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0), indices = try inputs.tensor(1)
        let p = try GatherND.plan(x.shape, indices, batchDims: batchDims)
        var flat: [Int] = []
        flat.reserveCapacity(p.offsets.count * p.slice)
        for o in p.offsets { for i in 0..<p.slice { flat.append(o + i) } }
        return [.tensor(try Movement.gather(x, indices: flat, shape: p.outShape))]
    }
}

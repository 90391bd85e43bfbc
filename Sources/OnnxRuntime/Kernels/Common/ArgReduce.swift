import OnnxModel

/// ArgMax / ArgMin: index of the extreme value along `axis` (int64 output). NaN counts as the
/// extreme (like numpy); ties give the first index, or the last with `select_last_index`.
struct ArgReduce {
    let axis: Int
    let keepdims: Bool
    let selectLast: Bool
    let isMax: Bool

    init(_ node: NodeContext, isMax: Bool) throws(KernelError) {
        axis = try node.int("axis", default: 0)
        keepdims = try node.int("keepdims", default: 1) != 0
        selectLast = try node.int("select_last_index", default: 0) != 0
        self.isMax = isMax
    }

    func run(_ inputs: [Value?]) throws(KernelError) -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype != .string, !x.dtype.isComplex else { throw KernelError.unsupported("input type \(x.dtype.name) is not supported") }
        let a = try Shapes.axis(axis, rank: x.rank)
        let n = x.rank == 0 ? 1 : x.shape[a]
        guard n > 0 else { throw KernelError("cannot take the arg\(isMax ? "max" : "min") of an empty axis") }
        let outer = x.rank == 0 ? 1 : Tensor.elementCount(Array(x.shape[0..<a]))
        let inner = x.rank == 0 ? 1 : Tensor.elementCount(Array(x.shape[(a + 1)...]))
        let v: [Double] = x.dtype == .double ? x.elements(as: Double.self) : (0..<x.count).map { x.doubleValue(at: $0) }
        var out = [Int64](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bv = v[o * n * inner + i]
                if !bv.isNaN {
                    for k in 1..<n {
                        let c = v[o * n * inner + k * inner + i]
                        if c.isNaN { best = k; bv = c; break }
                        if isMax ? (c > bv || (selectLast && c == bv)) : (c < bv || (selectLast && c == bv)) { best = k; bv = c }
                    }
                }
                out[o * inner + i] = Int64(best)
            }
        }
        var shape = x.shape
        if x.rank > 0 { if keepdims { shape[a] = 1 } else { shape.remove(at: a) } }
        return [.tensor(Tensor(shape: shape, out))]
    }
}

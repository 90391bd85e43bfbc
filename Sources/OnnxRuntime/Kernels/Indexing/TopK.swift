/// TopK: the k largest (or smallest, `largest=0`) values along `axis` and their int64 indices.
/// Equal values keep the lower index first. Opset 1 takes k as an attribute.
public struct TopK: OpKernel {
    public static let sinceVersions = [1, 10, 11, 24]
    let axis: Int
    let largest: Bool
    let sorted: Bool
    let kAttr: Int?

    public init(_ node: NodeContext) throws {
        axis = try node.int("axis", default: -1)
        largest = try node.int("largest", default: 1) != 0
        sorted = try node.int("sorted", default: 1) != 0
        kAttr = node.sinceVersion < 10 ? try node.int("k") : nil
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard let k = try kAttr ?? inputs.tensor(1).intValues().first else { throw KernelError("k is missing") }
        let a = try Shapes.axis(axis, rank: x.rank)
        let n = x.shape[a]
        guard k >= 0 && k <= n else { throw KernelError("k = \(k) is out of range for axis \(axis) of size \(n)") }
        let outer = Tensor.elementCount(Array(x.shape[0..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        let v: [Double] = (0..<x.count).map { x.doubleValue(at: $0) }
        var picks: [Int] = []
        var idxOut: [Int64] = []
        picks.reserveCapacity(outer * k * inner)
        var outIdx = [Int](repeating: 0, count: outer * k * inner)
        var outFlat = [Int](repeating: 0, count: outer * k * inner)
        let largest = self.largest
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var order = Array(0..<n)
                order.sort { p, q in
                    let a = v[base + p * inner], b = v[base + q * inner]
                    if a.isNaN || b.isNaN { return !a.isNaN ? false : (!b.isNaN ? true : p < q) }
                    if a != b { return largest ? a > b : a < b }
                    return p < q
                }
                for j in 0..<k {
                    outIdx[(o * k + j) * inner + i] = order[j]
                    outFlat[(o * k + j) * inner + i] = base + order[j] * inner
                }
            }
        }
        _ = picks
        idxOut = outIdx.map { Int64($0) }
        var shape = x.shape
        shape[a] = k
        return [.tensor(try Movement.gather(x, indices: outFlat, shape: shape)), .tensor(Tensor(shape: shape, idxOut))]
    }
}

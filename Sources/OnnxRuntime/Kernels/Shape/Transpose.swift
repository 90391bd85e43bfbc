/// Transpose: permutes dims by `perm` (default: reversed).
public struct Transpose: OpKernel {
    public static let sinceVersions = [1, 13, 21, 23, 24, 25]
    let perm: [Int]?

    public init(_ node: NodeContext) throws { perm = try node.ints("perm") }

    public static func apply(_ x: Tensor, perm: [Int]) throws(KernelError) -> Tensor {
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) is not a permutation of the \(x.rank) dims")
        }
        if perm == Array(0..<x.rank) { return x }
        let st = Shapes.strides(x.shape)
        return try Movement.strided(x, offset: 0, strides: perm.map { st[$0] }, shape: perm.map { x.shape[$0] })
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        var p = perm ?? Array((0..<x.rank).reversed())
        p = p.map { $0 < 0 ? $0 + x.rank : $0 }
        return [.tensor(try Transpose.apply(x, perm: p))]
    }
}

/// Shape: the input's shape as int64, optionally the dims in [start, end) (opset 15+).
public struct Shape: OpKernel {
    public static let sinceVersions = [1, 13, 15, 19, 21, 23, 24, 25]
    let start: Int
    let end: Int?

    public init(_ node: NodeContext) throws {
        start = try node.int("start", default: 0)
        end = try node.int("end")
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let r = x.rank
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
        let s = clamp(start), e = clamp(end ?? r)
        let dims = s < e ? Array(x.shape[s..<e]) : []
        return [.tensor(Tensor(shape: [dims.count], dims.map { Int64($0) }))]
    }
}

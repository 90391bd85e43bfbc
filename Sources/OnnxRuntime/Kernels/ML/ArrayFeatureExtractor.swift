import OnnxModel

/// ai.onnx.ml ArrayFeatureExtractor: selects entries of the last dimension of X by index
/// (Y's flattened values). The output keeps X's leading dimensions, with the last one replaced
/// by the number of indices; a 1-D X gives [1, k].
public struct ArrayFeatureExtractor: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let idx = try ML.int64s(try inputs.tensor(1))
        guard x.rank >= 1 else { throw KernelError("X must have at least one dimension") }
        let c = x.shape[x.rank - 1]
        for i in idx where i < 0 || i >= Int64(c) {
            throw KernelError("index \(i) is out of range for a last dimension of \(c)")
        }
        guard !idx.isEmpty else { throw KernelError("Y holds no indices") }
        let outer = c == 0 ? 0 : x.count / c
        var shape = x.rank == 1 ? [1] : Array(x.shape.dropLast())
        shape.append(idx.count)
        var pick = [Int]()
        pick.reserveCapacity(outer * idx.count)
        for o in 0..<outer { for i in idx { pick.append(o * c + Int(i)) } }
        return [.tensor(try Movement.gather(x.reshaped([x.count]), indices: pick, shape: shape))]
    }
}

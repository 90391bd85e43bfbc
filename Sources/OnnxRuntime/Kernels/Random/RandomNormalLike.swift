import OnnxModel

/// RandomNormalLike: RandomNormal with the shape (and, without `dtype`, the type) of the input.
public struct RandomNormalLike: OpKernel {
    public static let sinceVersions = [1, 22]
    let mean: Double
    let scale: Double
    let seed: Float?
    let dtype: DataType?

    public init(_ node: NodeContext) throws {
        mean = Double(try node.float("mean", default: 0))
        scale = Double(try node.float("scale", default: 1))
        seed = try node.float("seed")
        dtype = try node.int("dtype").map { c throws(KernelError) in try RandomState.dtype(c, default: .float) }
        if let dtype { try RandomState.checkFloat(dtype) }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let t = dtype ?? x.dtype
        try RandomState.checkFloat(t)
        return [.tensor(try RandomNormal.sample(x.shape, mean: mean, scale: scale, seed: seed, dtype: t))]
    }
}

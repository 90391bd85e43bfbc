import OnnxModel

/// RandomUniformLike: RandomUniform with the shape (and, without `dtype`, the type) of the input.
public struct RandomUniformLike: OpKernel {
    public static let sinceVersions = [1, 22]
    let low: Double
    let high: Double
    let seed: Float?
    let dtype: DataType?

    public init(_ node: NodeContext) throws {
        low = Double(try node.float("low", default: 0))
        high = Double(try node.float("high", default: 1))
        seed = try node.float("seed")
        dtype = try node.int("dtype").map { c throws(KernelError) in try RandomState.dtype(c, default: .float) }
        if let dtype { try RandomState.checkFloat(dtype) }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let t = dtype ?? x.dtype
        try RandomState.checkFloat(t)
        return [.tensor(try RandomUniform.sample(x.shape, low: low, high: high, seed: seed, dtype: t))]
    }
}

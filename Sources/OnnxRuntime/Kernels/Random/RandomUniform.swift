import OnnxModel

/// RandomUniform: a tensor of `shape` with samples of U[low, high); `seed` makes it reproducible.
public struct RandomUniform: OpKernel {
    public static let sinceVersions = [1, 22]
    let shape: [Int]
    let low: Double
    let high: Double
    let seed: Float?
    let dtype: DataType

    public init(_ node: NodeContext) throws {
        shape = try Shapes.checked(try node.required("shape") { (n: String) throws(KernelError) in try node.ints(n) })
        low = Double(try node.float("low", default: 0))
        high = Double(try node.float("high", default: 1))
        seed = try node.float("seed")
        dtype = try RandomState.dtype(try node.int("dtype"), default: .float)
        try RandomState.checkFloat(dtype)
    }

    static func sample(_ shape: [Int], low: Double, high: Double, seed: Float?, dtype: DataType) throws(KernelError) -> Tensor {
        var rng = RandomState(seedAttribute: seed)
        let n = Tensor.elementCount(shape)
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = rng.nextDouble() * (high - low) + low }
        return try RandomState.tensor(v, shape, dtype)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try RandomUniform.sample(shape, low: low, high: high, seed: seed, dtype: dtype))]
    }
}

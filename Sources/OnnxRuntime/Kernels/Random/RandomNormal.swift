import OnnxModel

/// RandomNormal: a tensor of `shape` with samples of N(mean, scale²); `seed` makes it reproducible.
public struct RandomNormal: OpKernel {
    public static let sinceVersions = [1, 22]
    let shape: [Int]
    let mean: Double
    let scale: Double
    let seed: Float?
    let dtype: DataType

    public init(_ node: NodeContext) throws {
        shape = try Shapes.checked(try node.required("shape") { (n: String) throws(KernelError) in try node.ints(n) })
        mean = Double(try node.float("mean", default: 0))
        scale = Double(try node.float("scale", default: 1))
        seed = try node.float("seed")
        dtype = try RandomState.dtype(try node.int("dtype"), default: .float)
        try RandomState.checkFloat(dtype)
    }

    static func sample(_ shape: [Int], mean: Double, scale: Double, seed: Float?, dtype: DataType) throws(KernelError) -> Tensor {
        var rng = RandomState(seedAttribute: seed)
        let n = Tensor.elementCount(shape)
        var v = [Double](repeating: 0, count: n)
        for i in 0..<n { v[i] = rng.nextGaussian() * scale + mean }
        return try RandomState.tensor(v, shape, dtype)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try RandomNormal.sample(shape, mean: mean, scale: scale, seed: seed, dtype: dtype))]
    }
}

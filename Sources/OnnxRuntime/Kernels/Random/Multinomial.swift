import OnnxModel

/// Multinomial: for each row of unnormalized log-probabilities [batch, classes], `sample_size`
/// class indices drawn from their softmax (int32 by default, or int64); `seed` makes it
/// reproducible.
public struct Multinomial: OpKernel {
    public static let sinceVersions = [7, 22]
    let samples: Int
    let seed: Float?
    let dtype: DataType

    public init(_ node: NodeContext) throws {
        samples = try node.int("sample_size", default: 1)
        guard samples >= 0 else { throw KernelError("sample_size must not be negative, got \(samples)") }
        seed = try node.float("seed")
        dtype = try RandomState.dtype(try node.int("dtype"), default: .int32)
        guard dtype == .int32 || dtype == .int64 else { throw KernelError("dtype must be int32 or int64, got \(dtype.name)") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 2 else { throw KernelError("input must be [batch_size, class_size], got \(shapeText(x.shape))") }
        guard x.dtype == .float || x.dtype == .double || x.dtype == .float16 || x.dtype == .bfloat16 else {
            throw KernelError("input must be float, got \(x.dtype.name)")
        }
        let (b, k) = (x.shape[0], x.shape[1])
        guard k > 0 || b == 0 || samples == 0 else { throw KernelError("class_size must be positive") }
        var rng = RandomState(seedAttribute: seed)
        var out = [Int64](repeating: 0, count: b * samples)
        var cdf = [Double](repeating: 0, count: k)
        for r in 0..<b {
            var m = -Double.infinity
            for j in 0..<k { m = max(m, x.doubleValue(at: r * k + j)) }
            guard m.isFinite else { throw KernelError("row \(r) has no finite log-probability") }
            var total = 0.0
            for j in 0..<k {
                let v = x.doubleValue(at: r * k + j)
                total += v.isNaN ? 0 : Double.exp(v - m)
                cdf[j] = total
            }
            guard total > 0, total.isFinite else { throw KernelError("row \(r) has no finite probabilities") }
            for s in 0..<samples {
                let u = rng.nextDouble() * total
                var j = 0
                while j < k - 1 && cdf[j] <= u { j += 1 }
                out[r * samples + s] = Int64(j)
            }
        }
        let t = Tensor(shape: [b, samples], out)
        return [.tensor(dtype == .int64 ? t : try Cast.convert(t, to: .int32))]
    }
}

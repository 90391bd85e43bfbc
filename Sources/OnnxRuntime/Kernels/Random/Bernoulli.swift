import OnnxModel

/// Bernoulli: 1 with probability p (each input element), else 0, in `dtype` (default: the input's
/// type); `seed` makes it reproducible.
public struct Bernoulli: OpKernel {
    public static let sinceVersions = [15, 22]
    let seed: Float?
    let dtype: DataType?

    public init(_ node: NodeContext) throws {
        seed = try node.float("seed")
        dtype = try node.int("dtype").map { c throws(KernelError) in try RandomState.dtype(c, default: .float) }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .float || x.dtype == .double || x.dtype == .float16 || x.dtype == .bfloat16 else {
            throw KernelError("input must hold float probabilities, got \(x.dtype.name)")
        }
        let t = dtype ?? x.dtype
        guard t.isNativeNumeric || t.isReducedFloat || t == .bool else { throw KernelError("dtype \(t.name) is not numeric") }
        var rng = RandomState(seedAttribute: seed)
        var v = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count {
            let p = x.doubleValue(at: i)
            guard p >= 0 && p <= 1 else { throw KernelError("probability \(p) at index \(i) is not in [0, 1]") }
            v[i] = rng.nextBernoulli(p) ? 1 : 0
        }
        return [.tensor(try Cast.convert(Tensor(shape: x.shape, v), to: t))]
    }
}

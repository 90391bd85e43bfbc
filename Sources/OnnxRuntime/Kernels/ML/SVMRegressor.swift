import OnnxModel

/// ai.onnx.ml SVMRegressor: with support vectors, Σ coefficient_j K(x, sv_j) + rho; without them
/// (n_supports = 0), a linear model x·coefficients + rho. `one_class` maps the result to ±1.
/// Float output [N, 1].
public struct SVMRegressor: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let kernel: SVMKernel
    let supportVectors: [Float]
    let coefficients: [Float]
    let rho: Float
    let vectors: Int
    let features: Int
    let oneClass: Bool

    public init(_ node: NodeContext) throws {
        var k = try SVMKernel(node)
        supportVectors = try node.floats("support_vectors") ?? []
        coefficients = try node.floats("coefficients") ?? []
        rho = (try node.floats("rho") ?? []).first ?? 0
        vectors = try node.int("n_supports", default: 0)
        oneClass = try node.int("one_class", default: 0) != 0
        guard !coefficients.isEmpty else { throw KernelError("coefficients is empty") }
        guard vectors >= 0 else { throw KernelError("n_supports must not be negative") }
        if vectors > 0 {
            guard supportVectors.count % vectors == 0 else { throw KernelError("\(supportVectors.count) support vector values do not split into \(vectors) vectors") }
            guard coefficients.count >= vectors else { throw KernelError("\(coefficients.count) coefficients for \(vectors) support vectors") }
            features = supportVectors.count / vectors
        } else {
            features = coefficients.count
            k.kind = .linear
        }
        kernel = k
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (n, f, x) = try ML.rows(try inputs.tensor(0))
        guard f == features else { throw KernelError("X has \(f) features, the model \(features)") }
        var y: [Float]
        if vectors > 0 {
            let k = kernel.apply(x, n: n, supportVectors, m: vectors, f: f)
            y = (0..<n).map { i in
                var s: Float = 0
                for j in 0..<vectors { s += k[i * vectors + j] * coefficients[j] }
                return s + rho
            }
        } else {
            y = kernel.apply(x, n: n, coefficients, m: 1, f: f, linearC: rho)
        }
        if oneClass { y = y.map { $0 > 0 ? 1 : -1 } }
        return [.tensor(Tensor(shape: [n, 1], y))]
    }
}

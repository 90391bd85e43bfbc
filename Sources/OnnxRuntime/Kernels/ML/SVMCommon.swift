import OnnxModel

/// The kernel functions shared by SVMClassifier and SVMRegressor: K(x, v) for LINEAR
/// (x·v + c), POLY ((γ x·v + c0)^degree), RBF (exp(-γ |x - v|²)) and SIGMOID (tanh(γ x·v + c0)).
struct SVMKernel: Sendable {
    enum Kind: Sendable { case linear, poly, rbf, sigmoid }
    var kind: Kind
    var gamma: Float = 0
    var coef0: Float = 0
    var degree: Float = 0

    init(_ node: NodeContext) throws(KernelError) {
        switch try node.string("kernel_type", default: "LINEAR") {
        case "LINEAR": kind = .linear
        case "POLY": kind = .poly
        case "RBF": kind = .rbf
        case "SIGMOID": kind = .sigmoid
        case let s: throw KernelError("kernel_type '\(s)' is not one of LINEAR, POLY, RBF, SIGMOID")
        }
        let p = try node.floats("kernel_params") ?? []
        if !p.isEmpty {
            guard p.count >= 3 else { throw KernelError("kernel_params must hold [gamma, coef0, degree], got \(p.count) values") }
            (gamma, coef0, degree) = (p[0], p[1], p[2])
        }
    }

    /// K(x_i, v_j) for every row of `x` ([n, f]) and every vector of `v` ([m, f]): [n, m].
    /// `linearC` is the constant added by the LINEAR kernel.
    func apply(_ x: [Float], n: Int, _ v: [Float], m: Int, f: Int, linearC: Float = 0) -> [Float] {
        var out = [Float](repeating: 0, count: n * m)
        x.withUnsafeBufferPointer { xb in
            v.withUnsafeBufferPointer { vb in
                for i in 0..<n {
                    for j in 0..<m {
                        var s: Float = 0
                        if kind == .rbf {
                            for k in 0..<f { let d = xb[i * f + k] - vb[j * f + k]; s += d * d }
                            out[i * m + j] = Float.exp(-gamma * s)
                            continue
                        }
                        for k in 0..<f { s += xb[i * f + k] * vb[j * f + k] }
                        switch kind {
                        case .linear: s += linearC
                        case .poly:
                            s = gamma * s + coef0
                            s = degree == 2 ? s * s : (degree == 3 ? s * s * s : Float.pow(s, degree))
                        case .sigmoid: s = Float.tanh(gamma * s + coef0)
                        case .rbf: break
                        }
                        out[i * m + j] = s
                    }
                }
            }
        }
        return out
    }
}

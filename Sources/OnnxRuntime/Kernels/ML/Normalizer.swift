import OnnxModel

/// ai.onnx.ml Normalizer: each row (along dimension 1) divided by its MAX (largest value), L1
/// (sum of magnitudes) or L2 norm; rows whose norm is zero pass through. Float output.
public struct Normalizer: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    enum Norm { case max, l1, l2 }
    let norm: Norm

    public init(_ node: NodeContext) throws {
        switch try node.string("norm", default: "MAX") {
        case "MAX": norm = .max
        case "L1": norm = .l1
        case "L2": norm = .l2
        case let s: throw KernelError("norm '\(s)' is not one of MAX, L1, L2")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank >= 1 else { throw KernelError("X must have at least one dimension") }
        guard x.dtype.isNativeNumeric else { throw KernelError("X must be numeric, got \(x.dtype.name)") }
        let v = try ML.floats(x)
        let stride = x.rank == 1 ? x.shape[0] : x.shape[1]
        let inner = x.rank > 2 ? Tensor.elementCount(Array(x.shape[2...])) : 1
        let outer = stride * inner == 0 ? 0 : v.count / (stride * inner)
        var out = v
        for o in 0..<outer {
            for j in 0..<inner {
                let base = o * stride * inner + j
                var d: Float
                switch norm {
                case .max:
                    d = -Float.greatestFiniteMagnitude
                    for s in 0..<stride { d = Swift.max(d, v[base + s * inner]) }
                case .l1:
                    d = 0
                    for s in 0..<stride { d += abs(v[base + s * inner]) }
                case .l2:
                    d = 0
                    for s in 0..<stride { d += v[base + s * inner] * v[base + s * inner] }
                }
                guard d != 0 else { continue }
                for s in 0..<stride {
                    let i = base + s * inner
                    if norm == .l2 {
                        let r = (v[i] * v[i] / d).squareRoot()
                        out[i] = v[i] < 0 ? -r : r
                    } else {
                        out[i] = v[i] / d
                    }
                }
            }
        }
        return [.tensor(Tensor(shape: x.shape, out))]
    }
}

import OnnxModel

/// ai.onnx.ml Scaler: Y = (X - offset) * scale per feature (the last dimension), or with one value
/// for every feature; float output.
public struct Scaler: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let offset: [Float]
    let scale: [Float]

    public init(_ node: NodeContext) throws {
        let o = try node.floats("offset") ?? []
        let s = try node.floats("scale") ?? []
        offset = o.isEmpty ? [0] : o
        scale = s.isEmpty ? [1] : s
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype.isNativeNumeric else { throw KernelError("X must be numeric, got \(x.dtype.name)") }
        let c = x.rank == 0 ? 1 : x.shape[x.rank - 1]
        for (name, v) in [("offset", offset), ("scale", scale)] where v.count != 1 && v.count != c {
            throw KernelError("\(name) has \(v.count) values for \(c) features")
        }
        let v = try ML.floats(x)
        let (o, s) = (offset, scale)
        let y = Tensor.make(.float, x.shape, as: Float.self) { dst in
            for i in 0..<v.count {
                let f = c > 0 ? i % c : 0
                dst[i] = (v[i] - o[o.count == 1 ? 0 : f]) * s[s.count == 1 ? 0 : f]
            }
        }
        return [.tensor(y)]
    }
}

import OnnxModel

/// ai.onnx.ml Scaler: y = (x - offset) * scale, per feature (the last dim) or with one value for all.
public struct Scaler: OpKernel {
    public static let domain = "ai.onnx.ml"
    public static let sinceVersions = [1]
    let offset: [Float]
    let scale: [Float]

    public init(_ node: NodeContext) throws {
        offset = try node.floats("offset") ?? [0]
        scale = try node.floats("scale") ?? [1]
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try Cast.convert(try inputs.tensor(0), to: .float)
        let c = x.rank == 0 ? 1 : x.shape[x.rank - 1]
        for (name, v) in [("offset", offset), ("scale", scale)] where v.count != 1 && v.count != c {
            throw KernelError("\(name) has \(v.count) values for \(c) features")
        }
        let (o, s) = (offset, scale)
        let y = Tensor.make(.float, x.shape, as: Float.self) { dst in
            x.withUnsafeBuffer(as: Float.self) { src in
                for i in 0..<src.count {
                    let f = i % max(c, 1)
                    dst[i] = (src[i] - o[o.count == 1 ? 0 : f]) * s[s.count == 1 ? 0 : f]
                }
            }
        }
        return [.tensor(y)]
    }
}

import OnnxModel

/// ai.onnx.ml Binarizer: 1 where x > threshold, else 0, in the input's type.
public struct Binarizer: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let threshold: Float

    public init(_ node: NodeContext) throws { threshold = try node.float("threshold", default: 0) }

    static func binarize<T: NumericElement>(_ x: Tensor, _ t: Double, _: T.Type) -> Tensor {
        Tensor.make(x.dtype, x.shape, as: T.self) { out in
            x.withUnsafeBuffer(as: T.self) { src in
                for i in 0..<src.count { out[i] = src[i].asDouble > t ? T.one : T.zero }
            }
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let t = Double(threshold)
        switch x.dtype {
        case .float: return [.tensor(Binarizer.binarize(x, t, Float.self))]
        case .double: return [.tensor(Binarizer.binarize(x, t, Double.self))]
        case .int64: return [.tensor(Binarizer.binarize(x, t, Int64.self))]
        case .int32: return [.tensor(Binarizer.binarize(x, t, Int32.self))]
        default: throw KernelError("X must be float, double, int64 or int32, got \(x.dtype.name)")
        }
    }
}

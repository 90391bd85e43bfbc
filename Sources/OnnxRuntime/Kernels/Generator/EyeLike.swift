import OnnxModel

/// EyeLike: a 2-D tensor shaped like the input with ones on the diagonal `k`.
public struct EyeLike: OpKernel {
    public static let sinceVersions = [9, 22]
    let k: Int
    let dtype: DataType?

    public init(_ node: NodeContext) throws {
        k = try node.int("k", default: 0)
        dtype = try node.int("dtype").map { code throws(KernelError) in
            guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)), t != .undefined, t != .string else {
                throw KernelError("attribute 'dtype' is not a supported type (\(code))")
            }
            return t
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 2 else { throw KernelError("input 0 has shape \(shapeText(x.shape)), expected 2 dims") }
        let (r, c) = (x.shape[0], x.shape[1])
        var vals = [Float](repeating: 0, count: r * c)
        for i in 0..<r {
            let j = i + k
            if j >= 0 && j < c { vals[i * c + j] = 1 }
        }
        return [.tensor(try Cast.convert(Tensor(shape: [r, c], vals), to: dtype ?? x.dtype))]
    }
}

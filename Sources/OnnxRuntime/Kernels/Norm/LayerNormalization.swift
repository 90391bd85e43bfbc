import OnnxModel

extension NN {
    /// LayerNormalization: normalises over dims [axis, rank) with Scale (and optional B) broadcast
    /// to X.shape[axis...]; optional outputs Mean and InvStdDev of shape X.shape[..<axis] + 1s.
    /// Statistics accumulate in double (at least stash_type's float32 precision).
    public struct LayerNormalization: OpKernel {
        public static let sinceVersions = [17]
        let axis: Int
        let epsilon: Float

        public init(_ node: NodeContext) throws {
            axis = try node.int("axis", default: -1)
            epsilon = try node.float("epsilon", default: 1e-5)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let scale = try inputs.tensor(1)
            let bias = try inputs.optionalTensor(2)
            let a = try Shapes.axis(axis, rank: x.rank)
            let eps = Double(epsilon)
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return try RowNorm.apply(xc, scale, bias, axis: a, eps: eps, rms: false, Double.self) }
                return try RowNorm.apply(xc, scale, bias, axis: a, eps: eps, rms: false, Float.self)
            }
            return outs.prefix(max(1, min(context.outputCount, 3))).map { .tensor($0) }
        }
    }

    /// LayerNormalization and RMSNormalization: each row of X viewed as [outer, n] (n = the
    /// product of the dims from axis on) is normalised and scaled.
    enum RowNorm {
        static func apply<T: FloatElement>(_ x: Tensor, _ scale: Tensor, _ bias: Tensor?, axis: Int, eps: Double, rms: Bool,
                                           _: T.Type) throws(KernelError) -> [Tensor] {
            let normShape = Array(x.shape[axis...])
            let n = Tensor.elementCount(normShape)
            let outer = Tensor.elementCount(Array(x.shape[..<axis]))
            let sc = try NormSupport.values(scale, as: T.self, broadcastTo: normShape, what: "Scale")
            let bs = try bias.map { b throws(KernelError) in try NormSupport.values(b, as: T.self, broadcastTo: normShape, what: "B") }
            var means = [T](repeating: 0, count: outer), invs = means
            let y = x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    for o in 0..<outer {
                        let src = s.baseAddress! + o * n, dst = d.baseAddress! + o * n
                        var mean = 0.0, v = 0.0
                        if rms {
                            for i in 0..<n { let q = src[i].asDouble; v += q * q }
                            v = n > 0 ? v / Double(n) : .nan
                        } else {
                            (mean, v) = NormSupport.meanVar(src, n)
                        }
                        let inv = 1 / (v + eps).squareRoot()
                        means[o] = T(mean); invs[o] = T(inv)
                        let m = T(mean), iv = T(inv)
                        if let bs {
                            for i in 0..<n { dst[i] = (src[i] - m) * iv * sc[i] + bs[i] }
                        } else {
                            for i in 0..<n { dst[i] = (src[i] - m) * iv * sc[i] }
                        }
                    }
                }
            }
            if rms { return [y] }
            let statShape = Array(x.shape[..<axis]) + [Int](repeating: 1, count: x.rank - axis)
            return [y, Tensor(dtype: T.dataType, shape: statShape, means), Tensor(dtype: T.dataType, shape: statShape, invs)]
        }
    }
}

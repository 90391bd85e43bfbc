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
            let eps = Double(epsilon), threads = context.threads
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return try RowNorm.apply(xc, scale, bias, axis: a, eps: eps, rms: false, threads: threads, Double.self) }
                return try RowNorm.apply(xc, scale, bias, axis: a, eps: eps, rms: false, threads: threads, Float.self)
            }
            return outs.prefix(max(1, min(context.outputCount, 3))).map { .tensor($0) }
        }
    }

    /// LayerNormalization and RMSNormalization: each row of X viewed as [outer, n] (n = the
    /// product of the dims from axis on) is normalised and scaled.
    enum RowNorm {
        static func apply<T: FloatElement>(_ x: Tensor, _ scale: Tensor, _ bias: Tensor?, axis: Int, eps: Double, rms: Bool,
                                           threads: Int = 1, _: T.Type) throws(KernelError) -> [Tensor] {
            let normShape = Array(x.shape[axis...])
            let n = Tensor.elementCount(normShape)
            let outer = Tensor.elementCount(Array(x.shape[..<axis]))
            let sc = try NormSupport.values(scale, as: T.self, broadcastTo: normShape, what: "Scale")
            let bs = try bias.map { b throws(KernelError) in try NormSupport.values(b, as: T.self, broadcastTo: normShape, what: "B") }
            let statShape = Array(x.shape[..<axis]) + [Int](repeating: 1, count: x.rank - axis)
            if n == 0 || outer == 0 {
                // Nothing to normalise: empty output, statistics NaN (mean of no values).
                let stats = Tensor(dtype: T.dataType, shape: statShape, [T](repeating: .nan, count: outer))
                return rms ? [Tensor.zeros(x.dtype, x.shape)] : [Tensor.zeros(x.dtype, x.shape), stats, stats]
            }
            var means = [T](repeating: 0, count: outer), invs = means
            let y = x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    sc.withUnsafeBufferPointer { scp in
                        (bs ?? []).withUnsafeBufferPointer { bsp in
                            means.withUnsafeMutableBufferPointer { mp in
                                invs.withUnsafeMutableBufferPointer { ip in
                                    let box = NN.UnsafeSendableBox((s.baseAddress!, d.baseAddress!, scp.baseAddress!, bs == nil ? nil : bsp.baseAddress, mp.baseAddress!, ip.baseAddress!))
                                    NN.parallelFor(outer, threads: threads, minimumPerThread: Swift.max(1, 16384 / Swift.max(n, 1))) { rows in
                                        let (sp, dp, scale, bias, meanOut, invOut) = box.value
                                        for o in rows {
                                            let src = sp + o &* n, dst = dp + o &* n
                                            var mean = 0.0, v = 0.0
                                            if rms {
                                                for i in 0..<n { let q = src[i].asDouble; v += q * q }
                                                v = n > 0 ? v / Double(n) : .nan
                                            } else {
                                                (mean, v) = NormSupport.meanVar(src, n)
                                            }
                                            let inv = 1 / (v + eps).squareRoot()
                                            meanOut[o] = T(mean); invOut[o] = T(inv)
                                            let m = T(mean), iv = T(inv)
                                            if let bias {
                                                for i in 0..<n { dst[i] = (src[i] - m) * iv * scale[i] + bias[i] }
                                            } else {
                                                for i in 0..<n { dst[i] = (src[i] - m) * iv * scale[i] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if rms { return [y] }
            return [y, Tensor(dtype: T.dataType, shape: statShape, means), Tensor(dtype: T.dataType, shape: statShape, invs)]
        }
    }
}

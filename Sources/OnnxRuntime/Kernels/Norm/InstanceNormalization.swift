import OnnxModel

extension NN {
    /// InstanceNormalization: each (N, C) plane normalised by its own mean and variance, then
    /// y = scale[c] * x_hat + B[c].
    public struct InstanceNormalization: OpKernel {
        public static let sinceVersions = [1, 6, 22]
        let epsilon: Float

        public init(_ node: NodeContext) throws {
            epsilon = try node.float("epsilon", default: 1e-5)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), scale = try inputs.tensor(1), bias = try inputs.tensor(2)
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2, got \(shapeText(x.shape))") }
            let c = x.shape[1]
            guard scale.count == c, bias.count == c else {
                throw KernelError("scale \(shapeText(scale.shape)) and B \(shapeText(bias.shape)) must have \(c) entries")
            }
            let eps = Double(epsilon)
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return [try GroupStats.apply(xc, groups: c, scale, bias, perChannel: true, eps: eps, Double.self)] }
                return [try GroupStats.apply(xc, groups: c, scale, bias, perChannel: true, eps: eps, Float.self)]
            }
            return [.tensor(outs[0])]
        }
    }

    /// Instance and group normalization: X [N, C, ...] split into `groups` contiguous channel
    /// groups per sample, each normalised by its own statistics; scale/bias per channel
    /// (`perChannel`) or per group.
    enum GroupStats {
        static func apply<T: FloatElement>(_ x: Tensor, groups: Int, _ scale: Tensor, _ bias: Tensor, perChannel: Bool, eps: Double,
                                           _: T.Type) throws(KernelError) -> Tensor {
            let n = x.shape[0], c = x.shape[1]
            let plane = Tensor.elementCount(Array(x.shape[2...]))
            let cpg = c / groups
            let sc = try Cast.convert(scale, to: T.dataType).elements(as: T.self)
            let bs = try Cast.convert(bias, to: T.dataType).elements(as: T.self)
            return x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    for b in 0..<n {
                        for g in 0..<groups {
                            let off = (b * c + g * cpg) * plane
                            let (mean, v) = NormSupport.meanVar(s.baseAddress! + off, cpg * plane)
                            let inv = 1 / (v + eps).squareRoot()
                            for k in 0..<cpg {
                                let ch = g * cpg + k
                                let a = T(inv) * (perChannel ? sc[ch] : sc[g])
                                let bb = (perChannel ? bs[ch] : bs[g]) - T(mean) * a
                                let src = s.baseAddress! + off + k * plane, dst = d.baseAddress! + off + k * plane
                                for i in 0..<plane { dst[i] = src[i] * a + bb }
                            }
                        }
                    }
                }
            }
        }
    }
}

import OnnxModel

extension NN {
    /// DFT: discrete Fourier transform along `axis` of a real ([..., 1]) or complex ([..., 2])
    /// signal, zero-padded or truncated to dft_length; onesided keeps bins 0...L/2; inverse
    /// divides by L, and inverse + onesided is the real inverse of a one-sided spectrum (output
    /// [..., 1]). Opset 17 takes `axis` as an attribute (default 1), opset 20 as an input (default -2).
    public struct DFT: OpKernel {
        public static let sinceVersions = [17, 20]
        let axisAttr: Int?
        let inverse: Bool
        let onesided: Bool

        public init(_ node: NodeContext) throws {
            axisAttr = node.sinceVersion < 20 ? try node.int("axis", default: 1) : nil
            inverse = try node.int("inverse", default: 0) != 0
            onesided = try node.int("onesided", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            try ConvTypes.check(x, "input")
            guard x.rank >= 2, x.shape[x.rank - 1] == 1 || x.shape[x.rank - 1] == 2 else {
                throw KernelError("input must be [..., signal..., 1 or 2], got \(shapeText(x.shape))")
            }
            var axis = axisAttr ?? -2
            if axisAttr == nil, let a = try inputs.optionalTensor(2), a.count > 0 { axis = try a.intValues()[0] }
            let a = try Shapes.axis(axis, rank: x.rank)
            guard a != x.rank - 1 else { throw KernelError("axis \(axis) is the complex dim") }
            var length = inverse && onesided ? 2 * (x.shape[a] - 1) : x.shape[a]
            if let l = try inputs.optionalTensor(1), l.count > 0 {
                length = try Spectral.size(l, "dft_length")
            }
            guard length >= 1 else { throw KernelError("dft_length must be positive") }
            let y = try DFT.apply(x, axis: a, length: length, inverse: inverse, onesided: onesided, scale: inverse)
            return [.tensor(y)]
        }

        /// The transform of every 1-D signal along `axis`. `scale` divides by the length.
        static func apply(_ x: Tensor, axis a: Int, length: Int, inverse: Bool, onesided: Bool, scale: Bool) throws(KernelError) -> Tensor {
            let v = try Cast.convert(x, to: .double).elements(as: Double.self)
            let comp = x.shape[x.rank - 1], n = x.shape[a]
            let outer = Tensor.elementCount(Array(x.shape[..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)..<(x.rank - 1)]))
            let real = inverse && onesided
            let outLen = real ? length : (onesided ? length / 2 + 1 : length)
            let outComp = real ? 1 : 2
            var shape = x.shape
            shape[a] = outLen
            shape[x.rank - 1] = outComp
            _ = try Shapes.checked(shape, what: "output shape")
            var out = [Double](repeating: 0, count: outer * outLen * inner * outComp)
            var re = [Double](repeating: 0, count: length), im = re
            for o in 0..<outer {
                for i in 0..<inner {
                    for k in 0..<length { re[k] = 0; im[k] = 0 }
                    if real {
                        // Hermitian completion of the one-sided spectrum (bins 0...L/2).
                        let half = length / 2
                        for k in 0...half where k < n {
                            let p = ((o * n + k) * inner + i) * comp
                            re[k] = v[p]; im[k] = comp == 2 ? v[p + 1] : 0
                        }
                        im[0] = 0
                        if length % 2 == 0 { im[half] = 0 }
                        for k in 1..<length where k > half { re[k] = re[length - k]; im[k] = -im[length - k] }
                    } else {
                        for k in 0..<Swift.min(n, length) {
                            let p = ((o * n + k) * inner + i) * comp
                            re[k] = v[p]; im[k] = comp == 2 ? v[p + 1] : 0
                        }
                    }
                    Spectral.transform(&re, &im, inverse: inverse)
                    let s = scale ? 1 / Double(length) : 1
                    for k in 0..<outLen {
                        let p = ((o * outLen + k) * inner + i) * outComp
                        out[p] = re[k] * s
                        if outComp == 2 { out[p + 1] = im[k] * s }
                    }
                }
            }
            return try Cast.convert(Tensor(shape: shape, out), to: x.dtype)
        }
    }
}

import OnnxModel

extension NN {
    /// LRN: local response normalization across channels,
    /// y = x / (bias + alpha / size * sum of x^2 over channels [c - (size-1)/2, c + ceil((size-1)/2)])^beta.
    public struct LRN: OpKernel {
        public static let sinceVersions = [1, 13]
        let alpha: Float
        let beta: Float
        let bias: Float
        let size: Int

        public init(_ node: NodeContext) throws {
            alpha = try node.float("alpha", default: 1e-4)
            beta = try node.float("beta", default: 0.75)
            bias = try node.float("bias", default: 1)
            size = try node.required("size") { (n: String) throws(KernelError) in try node.int(n) }
            guard size >= 1 else { throw KernelError("size must be positive, got \(size)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2, got \(shapeText(x.shape))") }
            let (alpha, beta, bias, size) = (Double(self.alpha), Double(self.beta), Double(self.bias), self.size)
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return [LRN.apply(xc, alpha, beta, bias, size, Double.self)] }
                return [LRN.apply(xc, alpha, beta, bias, size, Float.self)]
            }
            return [.tensor(outs[0])]
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ alpha: Double, _ beta: Double, _ bias: Double, _ size: Int, _: T.Type) -> Tensor {
            let n = x.shape[0], c = x.shape[1]
            let plane = Tensor.elementCount(Array(x.shape[2...]))
            let before = (size - 1) / 2, after = size - 1 - before
            let k = alpha / Double(size)
            return x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    var acc = [Double](repeating: 0, count: plane)
                    for b in 0..<n {
                        for ch in 0..<c {
                            for i in 0..<plane { acc[i] = 0 }
                            for j in max(0, ch - before)...min(c - 1, ch + after) {
                                let q = s.baseAddress! + (b * c + j) * plane
                                for i in 0..<plane { let v = q[i].asDouble; acc[i] += v * v }
                            }
                            let off = (b * c + ch) * plane
                            for i in 0..<plane {
                                let base = bias + k * acc[i]
                                d[off + i] = T(s[off + i].asDouble / Double.pow(base, beta))
                            }
                        }
                    }
                }
            }
        }
    }
}

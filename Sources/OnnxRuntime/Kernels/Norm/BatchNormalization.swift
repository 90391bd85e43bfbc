import OnnxModel

extension NN {
    /// BatchNormalization: y = scale * (x - mean) / sqrt(var + epsilon) + B per channel (dim 1).
    /// Inference uses the given statistics; with training_mode=1 (opset 14+) the batch statistics
    /// normalise and the updated running mean/var are the extra outputs. Before opset 9 `spatial=0`
    /// gives per-element parameters of shape X.shape[1...].
    public struct BatchNormalization: OpKernel {
        public static let sinceVersions = [1, 6, 7, 9, 14, 15]
        let epsilon: Float
        let momentum: Float
        let training: Bool

        public init(_ node: NodeContext) throws {
            epsilon = try node.float("epsilon", default: 1e-5)
            momentum = try node.float("momentum", default: 0.9)
            let mode = try node.int("training_mode", default: 0)
            training = node.sinceVersion >= 14 && mode != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let params = try (1...4).map { i throws(KernelError) in try inputs.tensor(i) }
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2, got \(shapeText(x.shape))") }
            let c = x.shape[1]
            let plane = Tensor.elementCount(Array(x.shape[2...]))
            let per = params[0].count == c ? c : c * plane
            for (i, p) in params.enumerated() where p.count != per {
                throw KernelError("input \(i + 1) \(shapeText(p.shape)) must have \(c) entries (one per channel)")
            }
            let perElement = per != c
            if training && perElement { throw KernelError("training mode needs per-channel parameters") }
            let eps = Double(epsilon), mom = Double(momentum)
            let training = self.training
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return try BatchNormalization.apply(xc, params, eps, mom, training, perElement, Double.self) }
                return try BatchNormalization.apply(xc, params, eps, mom, training, perElement, Float.self)
            }
            return outs.prefix(max(1, min(context.outputCount, 3))).map { .tensor($0) }
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ params: [Tensor], _ eps: Double, _ mom: Double, _ training: Bool,
                                           _ perElement: Bool, _: T.Type) throws(KernelError) -> [Tensor] {
            let n = x.shape[0], c = x.shape[1]
            let plane = Tensor.elementCount(Array(x.shape[2...]))
            let p = try params.map { t throws(KernelError) in try Cast.convert(t, to: .double).elements(as: Double.self) }
            let (scale, bias) = (p[0], p[1])
            var mean = p[2], variance = p[3]
            var runMean: [Double] = [], runVar: [Double] = []
            if training {
                // Batch statistics over every axis but 1.
                var bm = [Double](repeating: 0, count: c), bv = bm
                x.withUnsafeBuffer(as: T.self) { s in
                    let count = Double(n * plane)
                    for ch in 0..<c {
                        var acc = 0.0
                        for b in 0..<n { let q = s.baseAddress! + (b * c + ch) * plane; for i in 0..<plane { acc += q[i].asDouble } }
                        let m = acc / count
                        var v = 0.0
                        for b in 0..<n { let q = s.baseAddress! + (b * c + ch) * plane; for i in 0..<plane { let d = q[i].asDouble - m; v += d * d } }
                        bm[ch] = m; bv[ch] = v / count
                    }
                }
                runMean = (0..<c).map { mean[$0] * mom + bm[$0] * (1 - mom) }
                runVar = (0..<c).map { variance[$0] * mom + bv[$0] * (1 - mom) }
                mean = bm; variance = bv
            }
            // y = x * a + b per channel (or per element).
            let a = (0..<scale.count).map { T(scale[$0] / (variance[$0] + eps).squareRoot()) }
            let b = (0..<scale.count).map { T(bias[$0] - mean[$0] * scale[$0] / (variance[$0] + eps).squareRoot()) }
            if !training && !perElement && T.self == Float.self {
                return [affineFloat(x, a.map { Float($0.asDouble) }, b.map { Float($0.asDouble) }, n: n, c: c, plane: plane)]
            }
            let y = x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    for bi in 0..<n {
                        for ch in 0..<c {
                            let off = (bi * c + ch) * plane
                            let src = s.baseAddress! + off, dst = d.baseAddress! + off
                            if perElement {
                                let pa = ch * plane
                                for i in 0..<plane { dst[i] = src[i] * a[pa + i] + b[pa + i] }
                            } else {
                                let av = a[ch], bv = b[ch]
                                for i in 0..<plane { dst[i] = src[i] * av + bv }
                            }
                        }
                    }
                }
            }
            if !training { return [y] }
            return [y, Tensor(dtype: T.dataType, shape: [c], runMean.map { T($0) }), Tensor(dtype: T.dataType, shape: [c], runVar.map { T($0) })]
        }

        /// float32 inference: y = x * a[ch] + b[ch], the same multiply-add per element as the
        /// generic loop, planes split over the worker threads (DenseNet-121 runs 62 of these on
        /// tensors up to 3 MB; serial, they held its two-thread runs back).
        static func affineFloat(_ x: Tensor, _ a: [Float], _ b: [Float], n: Int, c: Int, plane: Int) -> Tensor {
            x.withUnsafeBuffer(as: Float.self) { s in
                Tensor.make(x.dtype, x.shape, as: Float.self) { d in
                    guard let src = s.baseAddress, let dst = d.baseAddress else { return }
                    let planes = n * c, parts = Parallel.split(planes, weight: plane)
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            guard let pa = ap.baseAddress, let pb = bp.baseAddress else { return }
                            if parts <= 1 {
                                affinePlanes(src, dst, pa, pb, c: c, plane: plane, 0..<planes)
                            } else {
                                Parallel.run(planes, parts: parts) { r in affinePlanes(src, dst, pa, pb, c: c, plane: plane, r) }
                            }
                        }
                    }
                }
            }
        }

        @inline(never)
        static func affinePlanes(_ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>,
                                 _ b: UnsafePointer<Float>, c: Int, plane: Int, _ r: Swift.Range<Int>) {
            for p in r {
                let av = a[p % c], bv = b[p % c]
                let src = s + p * plane, dst = d + p * plane
                for i in 0..<plane { dst[i] = src[i] * av + bv }
            }
        }
    }
}

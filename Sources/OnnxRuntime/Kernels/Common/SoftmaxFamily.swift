import OnnxModel

/// Softmax, LogSoftmax and Hardmax. Opset < 13: the input is flattened to 2-D at `axis` (default 1)
/// and normalised over the second dim; opset 13+: normalised along `axis` (default -1).
struct SoftmaxFamily {
    enum Kind { case softmax, logSoftmax, hardmax }
    let axis: Int
    let legacy: Bool
    let kind: Kind

    init(axis: Int, legacy: Bool, kind: Kind) {
        self.axis = axis
        self.legacy = legacy
        self.kind = kind
    }

    init(_ node: NodeContext, kind: Kind) throws(KernelError) {
        legacy = node.sinceVersion < 13
        axis = try node.int("axis", default: legacy ? 1 : -1)
        self.kind = kind
    }

    func run(_ inputs: [Value?]) throws(KernelError) -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .float || x.dtype == .double || x.dtype.isReducedFloat else {
            throw KernelError.unsupported("input type \(x.dtype.name) is not supported")
        }
        if x.rank == 0 { return [.tensor(try apply(x.reshaped([1]), outer: 1, n: 1, inner: 1).reshaped([]))] }
        let a = try Shapes.axis(axis, rank: x.rank)
        let outer: Int, n: Int, inner: Int
        if legacy {
            outer = Tensor.elementCount(Array(x.shape[0..<a]))
            n = Tensor.elementCount(Array(x.shape[a...]))
            inner = 1
        } else {
            outer = Tensor.elementCount(Array(x.shape[0..<a]))
            n = x.shape[a]
            inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        }
        return [.tensor(try apply(x, outer: outer, n: n, inner: inner))]
    }

    func apply(_ x: Tensor, outer: Int, n: Int, inner: Int) throws(KernelError) -> Tensor {
        let t = x.dtype
        let r: Tensor
        switch t {
        case .double: r = typed(x, outer, n, inner, Double.self)
        case .float: r = float32(x, outer, n, inner)
        default: r = try Cast.convert(float32(try Cast.convert(x, to: .float), outer, n, inner), to: t)
        }
        return r
    }

    /// Contiguous rows (the last axis, or any legacy opset) take the vectorised loop.
    func float32(_ x: Tensor, _ outer: Int, _ n: Int, _ inner: Int) -> Tensor {
        guard inner == 1, kind != .hardmax else { return typed(x, outer, n, inner, Float.self) }
        let log = kind == .logSoftmax
        return x.withUnsafeBuffer(as: Float.self) { src in
            Tensor.make(x.dtype, x.shape, as: Float.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                FastMath.softmaxRows(s, d, rows: outer, n: n, log: log)
            }
        }
    }

    func typed<T: FloatElement>(_ x: Tensor, _ outer: Int, _ n: Int, _ inner: Int, _: T.Type) -> Tensor {
        let kind = self.kind
        return x.withUnsafeBuffer(as: T.self) { src in
            Tensor.make(x.dtype, x.shape, as: T.self) { dst in
                guard n > 0 else { return }
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        var m = -T.infinity
                        var arg = 0
                        for k in 0..<n {
                            let v = src[base + k * inner]
                            if v > m || (v.isNaN && !m.isNaN) { m = v; arg = k }
                        }
                        switch kind {
                        case .hardmax:
                            for k in 0..<n { dst[base + k * inner] = k == arg ? 1 : 0 }
                        case .softmax:
                            var sum: T = 0
                            for k in 0..<n {
                                let e = T.vexp(src[base + k * inner] - m)
                                dst[base + k * inner] = e
                                sum += e
                            }
                            let inv = 1 / sum
                            for k in 0..<n { dst[base + k * inner] *= inv }
                        case .logSoftmax:
                            var sum: T = 0
                            for k in 0..<n { sum += T.exp(src[base + k * inner] - m) }
                            let l = T.log(sum)
                            for k in 0..<n { dst[base + k * inner] = src[base + k * inner] - m - l }
                        }
                    }
                }
            }
        }
    }
}

import OnnxModel

/// Gemm: Y = alpha * op(A) * op(B) + beta * C, op = optional transpose; C broadcasts to [M, N]
/// (optional from opset 11; opset < 7 uses the legacy `broadcast` flag).
public struct Gemm: OpKernel {
    public static let sinceVersions = [1, 6, 7, 9, 11, 13]
    let alpha: Float
    let beta: Float
    let transA: Bool
    let transB: Bool

    public init(_ node: NodeContext) throws {
        alpha = try node.float("alpha", default: 1)
        beta = try node.float("beta", default: 1)
        transA = try node.int("transA", default: 0) != 0
        transB = try node.int("transB", default: 0) != 0
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        let c = try inputs.optionalTensor(2)
        guard a.rank == 2, b.rank == 2 else { throw KernelError("A and B must be 2-D, got \(shapeText(a.shape)) and \(shapeText(b.shape))") }
        guard a.dtype == b.dtype else { throw KernelError("input types differ: \(a.dtype.name) and \(b.dtype.name)") }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else { throw KernelError("A \(shapeText(a.shape))\(transA ? "ᵀ" : "") and B \(shapeText(b.shape))\(transB ? "ᵀ" : "") cannot be multiplied") }
        // Y starts as beta * broadcast(C).
        var base: Tensor?
        if let c, beta != 0 {
            guard c.dtype == a.dtype else { throw KernelError("C is \(c.dtype.name), A is \(a.dtype.name)") }
            let bc = try Shapes.broadcast(c.shape, [m, n])
            guard bc == [m, n] else { throw KernelError("C \(shapeText(c.shape)) does not broadcast to [\(m),\(n)]") }
            base = try Expand.apply(c, to: [m, n])
        }
        let t = a.dtype
        switch t {
        case .float:
            return [.tensor(try gemmFloat(a, b, base, m: m, k: k, n: n))]
        case .double:
            return [.tensor(try gemmDouble(a, b, base, m: m, k: k, n: n))]
        case let h where h.isReducedFloat:
            let r = try gemmFloat(try Cast.convert(a, to: .float), try Cast.convert(b, to: .float), try base.map { x throws(KernelError) in try Cast.convert(x, to: .float) }, m: m, k: k, n: n)
            return [.tensor(try Cast.convert(r, to: t))]
        case .int32, .int64, .uint32, .uint64:
            let at = transA ? try Transpose.apply(a, perm: [1, 0]) : a
            let bt = transB ? try Transpose.apply(b, perm: [1, 0]) : b
            let prod = try MatMul.apply(at, bt)
            var y = try Cast.convert(prod, to: .int64).elements(as: Int64.self)
            let al = Int64(alpha), be = Int64(beta)
            let cv = try base.map { x throws(KernelError) in try Cast.convert(x, to: .int64).elements(as: Int64.self) }
            for i in 0..<y.count { y[i] = al &* y[i] &+ (cv.map { be &* $0[i] } ?? 0) }
            return [.tensor(try Cast.convert(Tensor(shape: [m, n], y), to: t))]
        default:
            throw KernelError.unsupported("input type \(t.name) is not supported")
        }
    }

    func gemmFloat(_ a: Tensor, _ b: Tensor, _ base: Tensor?, m: Int, k: Int, n: Int) throws(KernelError) -> Tensor {
        let out = TensorBuffer(byteCount: m * n * 4)
        let c = out.base.assumingMemoryBound(to: Float.self)
        if let base {
            base.withUnsafeBuffer(as: Float.self) { src in for i in 0..<(m * n) { c[i] = src[i] } }
        } else {
            c.initialize(repeating: 0, count: m * n)
        }
        if m > 0 && n > 0 && k > 0 {
            try BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: UnsafePointer(a.buffer.base.assumingMemoryBound(to: Float.self)), lda: a.shape[1],
                           b: UnsafePointer(b.buffer.base.assumingMemoryBound(to: Float.self)), ldb: b.shape[1],
                           beta: base == nil ? 0 : beta, c: c, ldc: n)
        } else if let _ = base {
            for i in 0..<(m * n) { c[i] *= beta }
        }
        return Tensor(dtype: .float, shape: [m, n], buffer: out)
    }

    func gemmDouble(_ a: Tensor, _ b: Tensor, _ base: Tensor?, m: Int, k: Int, n: Int) throws(KernelError) -> Tensor {
        let out = TensorBuffer(byteCount: m * n * 8)
        let c = out.base.assumingMemoryBound(to: Double.self)
        if let base {
            base.withUnsafeBuffer(as: Double.self) { src in for i in 0..<(m * n) { c[i] = src[i] } }
        } else {
            c.initialize(repeating: 0, count: m * n)
        }
        if m > 0 && n > 0 && k > 0 {
            try BLAS.dgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: Double(alpha),
                           a: UnsafePointer(a.buffer.base.assumingMemoryBound(to: Double.self)), lda: a.shape[1],
                           b: UnsafePointer(b.buffer.base.assumingMemoryBound(to: Double.self)), ldb: b.shape[1],
                           beta: base == nil ? 0 : Double(beta), c: c, ldc: n)
        } else if let _ = base {
            for i in 0..<(m * n) { c[i] *= Double(beta) }
        }
        return Tensor(dtype: .double, shape: [m, n], buffer: out)
    }
}

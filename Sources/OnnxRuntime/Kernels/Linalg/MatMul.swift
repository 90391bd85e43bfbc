import OnnxModel

/// MatMul: numpy `matmul` (1-D operands promoted, batch dims broadcast). float32/float64 run on
/// OpenBLAS sgemm/dgemm; float16/bfloat16 compute in float32; integers in a plain loop.
public struct MatMul: OpKernel {
    public static let sinceVersions = [1, 9, 13]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try MatMul.apply(try inputs.tensor(0), try inputs.tensor(1)))]
    }

    public static func apply(_ a0: Tensor, _ b0: Tensor) throws(KernelError) -> Tensor {
        guard a0.dtype == b0.dtype else { throw KernelError("input types differ: \(a0.dtype.name) and \(b0.dtype.name)") }
        guard a0.rank >= 1, b0.rank >= 1 else { throw KernelError("MatMul needs inputs of rank >= 1, got \(shapeText(a0.shape)) and \(shapeText(b0.shape))") }
        let a = a0.rank == 1 ? a0.reshaped([1, a0.count]) : a0
        let b = b0.rank == 1 ? b0.reshaped([b0.count, 1]) : b0
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == k2 else { throw KernelError("shapes \(shapeText(a0.shape)) and \(shapeText(b0.shape)) cannot be multiplied (\(k) vs \(k2))") }
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        let batch = try Shapes.broadcast(aBatch, bBatch)
        var outShape = batch + [m, n]
        let out = try compute(a, b, batch: batch, aBatch: aBatch, bBatch: bBatch, m: m, k: k, n: n)
        // Drop the promoted dims.
        if a0.rank == 1 { outShape.remove(at: outShape.count - 2) }
        if b0.rank == 1 { outShape.removeLast() }
        return out.reshaped(outShape)
    }

    static func compute(_ a: Tensor, _ b: Tensor, batch: [Int], aBatch: [Int], bBatch: [Int], m: Int, k: Int, n: Int) throws(KernelError) -> Tensor {
        let t = a.dtype
        let nb = Tensor.elementCount(batch)
        let shape = batch + [m, n]
        switch t {
        case .float:
            // A batched against one matrix: fold the batch into M (one large gemm).
            if bBatch.isEmpty || Tensor.elementCount(bBatch) == 1, aBatch == batch {
                return try blasFloat(a, b, shape: shape, batches: [(0, 0, 0)], m: nb * m, k: k, n: n)
            }
            return try blasFloat(a, b, shape: shape, batches: offsets(batch, aBatch, bBatch, m: m, k: k, n: n), m: m, k: k, n: n)
        case .double:
            if bBatch.isEmpty || Tensor.elementCount(bBatch) == 1, aBatch == batch {
                return try blasDouble(a, b, shape: shape, batches: [(0, 0, 0)], m: nb * m, k: k, n: n)
            }
            return try blasDouble(a, b, shape: shape, batches: offsets(batch, aBatch, bBatch, m: m, k: k, n: n), m: m, k: k, n: n)
        case let h where h.isReducedFloat:
            let r = try compute(try Cast.convert(a, to: .float), try Cast.convert(b, to: .float), batch: batch, aBatch: aBatch, bBatch: bBatch, m: m, k: k, n: n)
            return try Cast.convert(r, to: t)
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            let av = try Cast.convert(a, to: .int64).elements(as: Int64.self)
            let bv = try Cast.convert(b, to: .int64).elements(as: Int64.self)
            var out = [Int64](repeating: 0, count: nb * m * n)
            for (bi, (ao, bo, oo)) in offsets(batch, aBatch, bBatch, m: m, k: k, n: n).enumerated() {
                _ = bi
                for i in 0..<m {
                    for p in 0..<k {
                        let x = av[ao + i * k + p]
                        if x == 0 { continue }
                        for j in 0..<n { out[oo + i * n + j] = out[oo + i * n + j] &+ x &* bv[bo + p * n + j] }
                    }
                }
            }
            return try Cast.convert(Tensor(shape: shape, out), to: t)
        default:
            throw KernelError.unsupported("input type \(t.name) is not supported")
        }
    }

    /// (a offset, b offset, out offset) in elements for every batch index.
    static func offsets(_ batch: [Int], _ aBatch: [Int], _ bBatch: [Int], m: Int, k: Int, n: Int) -> [(Int, Int, Int)] {
        let nb = Tensor.elementCount(batch)
        let ai = Elementwise.broadcastIndices(from: aBatch, to: batch)
        let bi = Elementwise.broadcastIndices(from: bBatch, to: batch)
        return (0..<nb).map { (ai[$0] * m * k, bi[$0] * k * n, $0 * m * n) }
    }

    static func blasFloat(_ a: Tensor, _ b: Tensor, shape: [Int], batches: [(Int, Int, Int)], m: Int, k: Int, n: Int) throws(KernelError) -> Tensor {
        let out = TensorBuffer(byteCount: Tensor.elementCount(shape) * 4)
        let c = out.base.assumingMemoryBound(to: Float.self)
        if k == 0 {
            c.initialize(repeating: 0, count: Tensor.elementCount(shape))
        } else if m > 0 && n > 0 {
            let pa = UnsafePointer(a.buffer.base.assumingMemoryBound(to: Float.self))
            let pb = UnsafePointer(b.buffer.base.assumingMemoryBound(to: Float.self))
            for (ao, bo, oo) in batches {
                try BLAS.sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: pa + ao, lda: k, b: pb + bo, ldb: n, beta: 0, c: c + oo, ldc: n)
            }
        }
        return Tensor(dtype: .float, shape: shape, buffer: out)
    }

    static func blasDouble(_ a: Tensor, _ b: Tensor, shape: [Int], batches: [(Int, Int, Int)], m: Int, k: Int, n: Int) throws(KernelError) -> Tensor {
        let out = TensorBuffer(byteCount: Tensor.elementCount(shape) * 8)
        let c = out.base.assumingMemoryBound(to: Double.self)
        if k == 0 {
            c.initialize(repeating: 0, count: Tensor.elementCount(shape))
        } else if m > 0 && n > 0 {
            let pa = UnsafePointer(a.buffer.base.assumingMemoryBound(to: Double.self))
            let pb = UnsafePointer(b.buffer.base.assumingMemoryBound(to: Double.self))
            for (ao, bo, oo) in batches {
                try BLAS.dgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: pa + ao, lda: k, b: pb + bo, ldb: n, beta: 0, c: c + oo, ldc: n)
            }
        }
        return Tensor(dtype: .double, shape: shape, buffer: out)
    }
}

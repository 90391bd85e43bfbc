import OnnxModel

extension NN {
    /// MatMulInteger: int32 (A - a_zero_point) @ (B - b_zero_point) with numpy matmul
    /// broadcasting; a_zero_point is a scalar or per row of A, b_zero_point a scalar or per
    /// column of B. Runs exactly in double through OpenBLAS dgemm.
    public struct MatMulInteger: OpKernel {
        public static let sinceVersions = [10]

        public init(_ node: NodeContext) throws {}

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let a = try inputs.tensor(0), b = try inputs.tensor(1)
            let exact = IntegerMatMul.floatIsExact(a, b)
            let ad = try IntegerMatMul.centered(a, try inputs.optionalTensor(2), rows: true, what: "a_zero_point", float: exact)
            let bd = try IntegerMatMul.centered(b, try inputs.optionalTensor(3), rows: false, what: "b_zero_point", float: exact)
            let y = try MatMul.apply(ad, bd)
            // The sums are exact integers: convert without going through Cast's general path.
            if y.dtype == .float {
                return [.tensor(Elementwise.map(y, to: .int32, Float.self, Int32.self) { Int32(clamping: Int64($0)) })]
            }
            return [.tensor(Elementwise.map(y, to: .int32, Double.self, Int32.self) { $0.isFinite ? Int32(clamping: Int64($0)) : 0 })]
        }
    }

    enum IntegerMatMul {
        /// x - zero_point as a double tensor; the zero point is a scalar, or per row (A: its
        /// second-to-last dim) / per column (B: its last dim).
        /// True when float32 GEMM is exact: 8-bit operands (|x - zp| <= 255) and K <= 256 keep every
        /// product and partial sum an integer below 2^24.
        static func floatIsExact(_ a: Tensor, _ b: Tensor) -> Bool {
            let small: Set<DataType> = [.int8, .uint8]
            guard small.contains(a.dtype), small.contains(b.dtype), a.rank >= 1 else { return false }
            return a.shape[a.rank - 1] <= 256
        }

        static func centered(_ x: Tensor, _ zp: Tensor?, rows: Bool, what: String, float: Bool) throws(KernelError) -> Tensor {
            guard float else { return try centered(x, zp, rows: rows, what: what) }
            // 8-bit operands straight to float32 in one pass (floatIsExact checked the types).
            if let zp, zp.dtype != x.dtype { throw KernelError("\(what) is \(zp.dtype.name), its input is \(x.dtype.name)") }
            let z = try zp.map { t throws(KernelError) in try QuantSupport.floats(t) } ?? [0]
            let n = x.rank >= 1 ? x.shape[x.rank - 1] : 1
            let m = x.rank >= 2 ? x.shape[x.rank - 2] : 1
            if z.count != 1 {
                if rows { guard x.rank >= 2, z.count == m else { throw KernelError("\(what) \(shapeText(zp!.shape)) must be a scalar or have one entry per row of A \(shapeText(x.shape))") } }
                else { guard z.count == n else { throw KernelError("\(what) \(shapeText(zp!.shape)) must be a scalar or have one entry per column of B \(shapeText(x.shape))") } }
            }
            func fill<S: BinaryInteger>(_: S.Type) -> Tensor {
                x.withUnsafeBuffer(as: S.self) { src in
                    Tensor.make(.float, x.shape, as: Float.self) { d in
                        z.withUnsafeBufferPointer { zb in
                            if zb.count == 1 {
                                let z0 = zb[0]
                                for i in 0..<src.count { d[i] = Float(src[i]) - z0 }
                            } else if rows {
                                for i in 0..<src.count { d[i] = Float(src[i]) - zb[(i / n) % m] }
                            } else {
                                for i in 0..<src.count { d[i] = Float(src[i]) - zb[i % n] }
                            }
                        }
                    }
                }
            }
            return x.dtype == .int8 ? fill(Int8.self) : fill(UInt8.self)
        }

        static func centered(_ x: Tensor, _ zp: Tensor?, rows: Bool, what: String) throws(KernelError) -> Tensor {
            guard x.dtype == .int8 || x.dtype == .uint8 || x.dtype == .int16 || x.dtype == .uint16 || x.dtype == .int32 else {
                throw KernelError.unsupported("input type \(x.dtype.name) is not supported")
            }
            var v = try QuantSupport.doubles(x)
            guard let zp else { return Tensor(shape: x.shape, v) }
            guard zp.dtype == x.dtype else { throw KernelError("\(what) is \(zp.dtype.name), its input is \(x.dtype.name)") }
            let z = try QuantSupport.doubles(zp)
            if z.count == 1 {
                for i in 0..<v.count { v[i] -= z[0] }
                return Tensor(shape: x.shape, v)
            }
            guard x.rank >= 1 else { throw KernelError("\(what) must be a scalar") }
            if rows {
                guard x.rank >= 2, z.count == x.shape[x.rank - 2] else { throw KernelError("\(what) \(shapeText(zp.shape)) must be a scalar or have one entry per row of A \(shapeText(x.shape))") }
                let k = x.shape[x.rank - 1], m = x.shape[x.rank - 2]
                for i in 0..<v.count { v[i] -= z[(i / k) % m] }
            } else {
                let n = x.shape[x.rank - 1]
                guard z.count == n else { throw KernelError("\(what) \(shapeText(zp.shape)) must be a scalar or have one entry per column of B \(shapeText(x.shape))") }
                for i in 0..<v.count { v[i] -= z[i % n] }
            }
            return Tensor(shape: x.shape, v)
        }
    }
}

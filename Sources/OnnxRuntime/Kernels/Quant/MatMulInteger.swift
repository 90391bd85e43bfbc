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
            let ad = try IntegerMatMul.centered(a, try inputs.optionalTensor(2), rows: true, what: "a_zero_point")
            let bd = try IntegerMatMul.centered(b, try inputs.optionalTensor(3), rows: false, what: "b_zero_point")
            let y = try MatMul.apply(ad, bd)
            return [.tensor(try Cast.convert(y, to: .int32))]
        }
    }

    enum IntegerMatMul {
        /// x - zero_point as a double tensor; the zero point is a scalar, or per row (A: its
        /// second-to-last dim) / per column (B: its last dim).
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

import OnnxModel

extension NN {
    /// QuantizeLinear: y = saturate(round_half_even(x / scale) + zero_point) for integer types;
    /// float8 outputs round to nearest (saturating unless saturate=0), float4e2m1 adds the zero
    /// point before rounding. Per tensor, per axis or (opset 21+) per block. The output type is
    /// the zero point's, else `output_dtype`, else uint8.
    public struct QuantizeLinear: OpKernel {
        public static let sinceVersions = [10, 13, 19, 21, 23, 24, 25, 28]
        let axis: Int
        let blockSize: Int
        let saturate: Bool
        let outputType: DataType?
        let precision: DataType?

        public init(_ node: NodeContext) throws {
            axis = try node.int("axis", default: 1)
            blockSize = try node.int("block_size", default: 0)
            guard blockSize >= 0 else { throw KernelError("block_size must not be negative, got \(blockSize)") }
            saturate = try node.int("saturate", default: 1) != 0
            if let code = try node.int("output_dtype"), code != 0 {
                guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)) else { throw KernelError("output_dtype \(code) is not a data type") }
                outputType = t
            } else {
                outputType = nil
            }
            if let code = try node.int("precision"), code != 0 {
                guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)) else { throw KernelError("precision \(code) is not a data type") }
                precision = t
            } else {
                precision = nil
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), scale = try inputs.tensor(1)
            let zp = try inputs.optionalTensor(2)
            if let zp, let outputType, zp.dtype != outputType {
                throw KernelError("output_dtype \(outputType.name) differs from y_zero_point's type \(zp.dtype.name)")
            }
            let out = zp?.dtype ?? outputType ?? .uint8
            guard QuantSupport.intRange(out) != nil && out != .int32 || QuantSupport.isFloat8(out) || out == .float4e2m1 else {
                throw KernelError.unsupported("output type \(out.name) is not a supported quantized type")
            }
            let layout = try QuantLayout(x: x.shape, param: scale.shape, axis: axis, blockSize: blockSize, what: "y_scale")
            if let zp {
                guard zp.shape == scale.shape || (zp.count == 1 && scale.count == 1) else {
                    throw KernelError("y_zero_point \(shapeText(zp.shape)) must have the shape of y_scale \(shapeText(scale.shape))")
                }
            }
            return [.tensor(try QuantizeLinear.quantize(x, scale: scale, zeroPoint: zp, layout: layout, to: out, saturate: saturate, precision: precision))]
        }

        static func quantize(_ x: Tensor, scale: Tensor, zeroPoint zp: Tensor?, layout: QuantLayout, to out: DataType,
                             saturate: Bool, precision: DataType?) throws(KernelError) -> Tensor {
            // Division precision: `precision` if given, else the common type of x and scale.
            let divType: DataType = precision ?? (x.dtype == scale.dtype ? x.dtype : (x.dtype == .double || scale.dtype == .double ? .double : .float))
            let n = x.count
            if divType == .float, let (lo, hi) = QuantSupport.intRange(out), out.storageSize == 1 {
                // The common case: float32 in, 8-bit (or 4/2-bit) integers out, in one pass.
                let xv = try QuantSupport.floats(x), sv = try QuantSupport.floats(scale)
                let zv = try zp.map { t throws(KernelError) in try QuantSupport.floats(t) } ?? [Float](repeating: 0, count: sv.count)
                let (flo, fhi) = (Float(lo), Float(hi))
                return Tensor.make(out, x.shape, as: UInt8.self) { d in
                    xv.withUnsafeBufferPointer { xp in
                        sv.withUnsafeBufferPointer { sp in
                            zv.withUnsafeBufferPointer { zpp in
                                layout.forEach { e, p in
                                    let v = (xp[e] / sp[p]).rounded(.toNearestOrEven) + zpp[p]
                                    let c = v.isNaN ? 0 : Swift.min(Swift.max(v, flo), fhi)
                                    d[e] = UInt8(truncatingIfNeeded: Int32(c))
                                }
                            }
                        }
                    }
                }
            }
            var q = [Double](repeating: 0, count: n)
            if divType == .double {
                let xv = try QuantSupport.doubles(x), sv = try QuantSupport.doubles(scale)
                layout.forEach { e, p in q[e] = xv[e] / sv[p] }
            } else {
                let xv = try QuantSupport.floats(x), sv = try QuantSupport.floats(scale)
                layout.forEach { e, p in q[e] = Double(QuantSupport.roundTo(xv[e] / sv[p], divType)) }
            }
            if let (lo, hi) = QuantSupport.intRange(out) {
                let zv = try zp.map { t throws(KernelError) in try QuantSupport.doubles(t) }
                var y = [Int32](repeating: 0, count: n)
                layout.forEach { e, p in
                    var v = q[e].rounded(.toNearestOrEven)
                    if let zv { v += zv[p] }
                    y[e] = v.isNaN ? 0 : Int32(min(max(v, Double(lo)), Double(hi)))
                }
                return QuantSupport.makeInts(out, x.shape, y)
            }
            let zv = try zp.map { t throws(KernelError) in try QuantSupport.floats(t) }
            var codes = [UInt8](repeating: 0, count: n)
            layout.forEach { e, p in
                var v = Float(q[e])
                if out == .float4e2m1, let zv { v += zv[p] }
                codes[e] = FloatFormats.encode(v, out, saturate: saturate || out == .float4e2m1, roundMode: .nearest)
            }
            return Tensor(dtype: out, shape: x.shape, codes)
        }
    }
}

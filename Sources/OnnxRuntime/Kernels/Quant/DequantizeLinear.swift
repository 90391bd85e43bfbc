import OnnxModel

extension NN {
    /// DequantizeLinear: y = (x - zero_point) * scale, per tensor, per axis or (opset 21+) per
    /// block. x is any integer quantized type (int32 included), float8 (zero point must be 0) or
    /// float4e2m1; the output has the scale's type, or `output_dtype` (opset 23+).
    public struct DequantizeLinear: OpKernel {
        public static let sinceVersions = [10, 13, 19, 21, 23, 24, 25, 28]
        let axis: Int
        let blockSize: Int
        let outputType: DataType?

        public init(_ node: NodeContext) throws {
            axis = try node.int("axis", default: 1)
            blockSize = try node.int("block_size", default: 0)
            guard blockSize >= 0 else { throw KernelError("block_size must not be negative, got \(blockSize)") }
            if let code = try node.int("output_dtype"), code != 0 {
                guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)), t == .float || t == .double || t == .float16 || t == .bfloat16 else {
                    throw KernelError("output_dtype \(code) is not a float type")
                }
                outputType = t
            } else {
                outputType = nil
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), scale = try inputs.tensor(1)
            let zp = try inputs.optionalTensor(2)
            let xt = x.dtype
            guard QuantSupport.intRange(xt) != nil || QuantSupport.isFloat8(xt) || xt == .float4e2m1 else {
                throw KernelError.unsupported("input type \(xt.name) is not supported")
            }
            guard scale.dtype == .float || scale.dtype == .double || scale.dtype.isReducedFloat else {
                throw KernelError("x_scale must be a float tensor, got \(scale.dtype.name)")
            }
            let layout = try QuantLayout(x: x.shape, param: scale.shape, axis: axis, blockSize: blockSize, what: "x_scale")
            var zv: [Float]? = nil
            if let zp, !QuantSupport.isFloat8(xt), xt != .float4e2m1 {
                guard zp.dtype == xt else { throw KernelError("x_zero_point is \(zp.dtype.name), x is \(xt.name)") }
                guard zp.shape == scale.shape || (zp.count == 1 && scale.count == 1) else {
                    throw KernelError("x_zero_point \(shapeText(zp.shape)) must have the shape of x_scale \(shapeText(scale.shape))")
                }
                zv = try QuantSupport.floats(zp)
            }
            let out = outputType ?? scale.dtype
            let xv = try QuantSupport.floats(x)
            let sv = try QuantSupport.floats(scale)
            let zs = zv ?? [Float](repeating: 0, count: sv.count)
            let y = Tensor.make(.float, x.shape, as: Float.self) { d in
                xv.withUnsafeBufferPointer { xp in
                    sv.withUnsafeBufferPointer { sp in
                        zs.withUnsafeBufferPointer { zp in
                            layout.forEach { e, p in d[e] = (xp[e] - zp[p]) * sp[p] }
                        }
                    }
                }
            }
            return [.tensor(out == .float ? y : try Cast.convert(y, to: out))]
        }
    }
}

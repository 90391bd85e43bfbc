import OnnxModel

extension NN {
    /// Where each element of x finds its scale and zero point: per tensor, per axis, or per
    /// block of `blockSize` along `axis` (x viewed as [outer, n, inner] around the axis).
    struct QuantLayout {
        enum Mode { case tensor, axis, blocked(Int) }
        let mode: Mode
        let outer: Int, n: Int, inner: Int

        init(x: [Int], param: [Int], axis: Int, blockSize: Int, what: String) throws(KernelError) {
            let count = Tensor.elementCount(param)
            if x.isEmpty || (count == 1 && blockSize == 0) {
                guard count == 1 else { throw KernelError("\(what) \(shapeText(param)) must be a scalar for a scalar input") }
                mode = .tensor; outer = Tensor.elementCount(x); n = 1; inner = 1
                return
            }
            let a = try Shapes.axis(axis, rank: x.count)
            outer = Tensor.elementCount(Array(x[..<a])); n = x[a]; inner = Tensor.elementCount(Array(x[(a + 1)...]))
            if blockSize > 0 {
                var want = x
                want[a] = (x[a] + blockSize - 1) / blockSize
                guard param == want else {
                    throw KernelError("\(what) \(shapeText(param)) does not match blocked quantization of \(shapeText(x)) with block_size \(blockSize) on axis \(a) (expected \(shapeText(want)))")
                }
                mode = .blocked(blockSize)
            } else if count == 1 {
                mode = .tensor
            } else {
                guard param.count == 1, param[0] == x[a] else {
                    throw KernelError("\(what) \(shapeText(param)) must be a scalar or 1-D with \(x[a]) entries (axis \(a) of \(shapeText(x)))")
                }
                mode = .axis
            }
        }

        /// Visits every element in order with the index of its parameter.
        @inline(__always)
        func forEach(_ body: (_ element: Int, _ param: Int) -> Void) {
            var e = 0
            switch mode {
            case .tensor:
                for i in 0..<(outer * n * inner) { body(i, 0) }
            case .axis:
                for _ in 0..<outer { for k in 0..<n { for _ in 0..<inner { body(e, k); e += 1 } } }
            case let .blocked(b):
                let nb = (n + b - 1) / b
                for o in 0..<outer { for k in 0..<n { let base = (o * nb + k / b) * inner; for j in 0..<inner { body(e, base + j); e += 1 } } }
            }
        }
    }

    enum QuantSupport {
        /// Integer ranges of the integer quantized types (nil for the float types).
        static func intRange(_ t: DataType) -> (Int32, Int32)? {
            switch t {
            case .uint8: return (0, 255)
            case .int8: return (-128, 127)
            case .uint16: return (0, 65535)
            case .int16: return (-32768, 32767)
            case .uint4: return (0, 15)
            case .int4: return (-8, 7)
            case .uint2: return (0, 3)
            case .int2: return (-2, 1)
            case .int32: return (Int32.min, Int32.max)
            default: return nil
            }
        }

        static func isFloat8(_ t: DataType) -> Bool {
            t == .float8e4m3fn || t == .float8e4m3fnuz || t == .float8e5m2 || t == .float8e5m2fnuz
        }

        /// An integer tensor of type `t` (1-, 2- or 4-byte storage) from Int32 values already in range.
        static func makeInts(_ t: DataType, _ shape: [Int], _ v: [Int32]) -> Tensor {
            switch t.storageSize {
            case 1?: return Tensor.make(t, shape, as: UInt8.self) { d in for i in 0..<v.count { d[i] = UInt8(truncatingIfNeeded: v[i]) } }
            case 2?: return Tensor.make(t, shape, as: UInt16.self) { d in for i in 0..<v.count { d[i] = UInt16(truncatingIfNeeded: v[i]) } }
            default: return Tensor.make(t, shape, as: Int32.self) { d in for i in 0..<v.count { d[i] = v[i] } }
            }
        }

        /// Values as Float (exact for the 8/16-bit integer and small float types).
        static func floats(_ t: Tensor) throws(KernelError) -> [Float] {
            switch t.dtype {
            case .float: return t.elements(as: Float.self)
            case .uint8, .uint4, .uint2: return t.withUnsafeBuffer(as: UInt8.self) { $0.map { Float($0) } }
            case .int8, .int4, .int2: return t.withUnsafeBuffer(as: Int8.self) { $0.map { Float($0) } }
            case .uint16: return t.withUnsafeBuffer(as: UInt16.self) { $0.map { Float($0) } }
            case .int16: return t.withUnsafeBuffer(as: Int16.self) { $0.map { Float($0) } }
            case .int32: return t.withUnsafeBuffer(as: Int32.self) { $0.map { Float($0) } }
            default: return try Cast.convert(t, to: .float).elements(as: Float.self)
            }
        }

        static func doubles(_ t: Tensor) throws(KernelError) -> [Double] {
            switch t.dtype {
            case .double: return t.elements(as: Double.self)
            case .float: return t.withUnsafeBuffer(as: Float.self) { $0.map { Double($0) } }
            case .uint8, .uint4, .uint2: return t.withUnsafeBuffer(as: UInt8.self) { $0.map { Double($0) } }
            case .int8, .int4, .int2: return t.withUnsafeBuffer(as: Int8.self) { $0.map { Double($0) } }
            case .uint16: return t.withUnsafeBuffer(as: UInt16.self) { $0.map { Double($0) } }
            case .int16: return t.withUnsafeBuffer(as: Int16.self) { $0.map { Double($0) } }
            case .int32: return t.withUnsafeBuffer(as: Int32.self) { $0.map { Double($0) } }
            default: return try Cast.convert(t, to: .double).elements(as: Double.self)
            }
        }

        /// Rounds a float32 value to `t`'s precision (float16/bfloat16), as numpy arithmetic in that type does.
        @inline(__always)
        static func roundTo(_ v: Float, _ t: DataType) -> Float {
            switch t {
            case .float16: return Float(Float16(v))
            case .bfloat16: return FloatFormats.bfloat16ToFloat(FloatFormats.floatToBFloat16(v))
            default: return v
            }
        }
    }
}

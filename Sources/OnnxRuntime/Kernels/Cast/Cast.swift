import OnnxModel

/// Cast: every pair of ONNX types, with the float8 `saturate` flag (opset 19+) and the
/// float8e8m0 `round_mode` (opset 24+).
public struct Cast: OpKernel {
    public static let sinceVersions = [1, 6, 9, 13, 19, 21, 23, 24, 25, 28]
    let to: DataType
    let saturate: Bool
    let roundMode: FloatFormats.RoundMode

    public init(_ node: NodeContext) throws {
        if let name = node.node.attribute("to")?.value.stringValue {
            // Cast-1 spells the type as a string ("FLOAT", "INT64", ...).
            let names: [String: DataType] = ["FLOAT": .float, "UINT8": .uint8, "INT8": .int8, "UINT16": .uint16, "INT16": .int16,
                                             "INT32": .int32, "INT64": .int64, "STRING": .string, "BOOL": .bool, "FLOAT16": .float16,
                                             "DOUBLE": .double, "UINT32": .uint32, "UINT64": .uint64]
            guard let t = names[name.uppercased()] else { throw KernelError("attribute 'to' is not a known data type ('\(name)')") }
            to = t
        } else {
            let code = try node.required("to") { (n: String) throws(KernelError) in try node.int(n) }
            guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)), t != .undefined else {
                throw KernelError("attribute 'to' is not a known data type (\(code))")
            }
            to = t
        }
        saturate = try node.int("saturate", default: 1) != 0
        let mode = try node.string("round_mode", default: "up")
        guard let m = FloatFormats.RoundMode(rawValue: mode) else { throw KernelError("attribute 'round_mode' must be up, down or nearest, got '\(mode)'") }
        roundMode = m
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Cast.convert(try inputs.tensor(0), to: to, saturate: saturate, roundMode: roundMode))]
    }

    // MARK: Layer (a): conversion

    /// Source values in one of three exact intermediate forms.
    enum Source {
        case floats([Double])
        case signed([Int64])
        case unsigned([UInt64])
        case strings([String])
        case bools([Bool])
    }

    static func read(_ x: Tensor) throws(KernelError) -> Source {
        let n = x.count
        switch x.dtype {
        case .bool: return .bools(x.withUnsafeBuffer(as: UInt8.self) { $0.map { $0 != 0 } })
        case .int8, .int4, .int2: return .signed(x.withUnsafeBuffer(as: Int8.self) { $0.map { Int64($0) } })
        case .int16: return .signed(x.withUnsafeBuffer(as: Int16.self) { $0.map { Int64($0) } })
        case .int32: return .signed(x.withUnsafeBuffer(as: Int32.self) { $0.map { Int64($0) } })
        case .int64: return .signed(x.elements(as: Int64.self))
        case .uint8, .uint4, .uint2: return .unsigned(x.withUnsafeBuffer(as: UInt8.self) { $0.map { UInt64($0) } })
        case .uint16: return .unsigned(x.withUnsafeBuffer(as: UInt16.self) { $0.map { UInt64($0) } })
        case .uint32: return .unsigned(x.withUnsafeBuffer(as: UInt32.self) { $0.map { UInt64($0) } })
        case .uint64: return .unsigned(x.elements(as: UInt64.self))
        case .float: return .floats(x.withUnsafeBuffer(as: Float.self) { $0.map { Double($0) } })
        case .double: return .floats(x.elements(as: Double.self))
        case .float16: return .floats(x.withUnsafeBuffer(as: Float16.self) { $0.map { Double($0) } })
        case .bfloat16: return .floats(x.withUnsafeBuffer(as: UInt16.self) { $0.map { Double(FloatFormats.bfloat16ToFloat($0)) } })
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2:
            let t = x.dtype
            return .floats(x.withUnsafeBuffer(as: UInt8.self) { $0.map { Double(FloatFormats.decode($0, t)) } })
        case .complex64: return .floats(x.withUnsafeBuffer(as: Float.self) { p in (0..<n).map { Double(p[2 * $0]) } })
        case .complex128: return .floats(x.withUnsafeBuffer(as: Double.self) { p in (0..<n).map { p[2 * $0] } })
        case .string: return .strings(x.strings)
        case .undefined: throw KernelError("cannot cast from an undefined type")
        }
    }

    /// numpy's `str()` of a value as `astype(str)` prints it.
    static func format(_ d: Double, from t: DataType) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if t == .double { return "\(d)" }
        if t == .float16 { return "\(Float16(d))" }
        return "\(Float(d))"
    }

    static func parse(_ s: String) -> Double {
        let t = s.trimmingSpaces()
        if let d = Double(t) { return d }
        switch t.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return .nan
        }
    }

    /// Converts `x` to `to`.
    public static func convert(_ x: Tensor, to: DataType, saturate: Bool = true, roundMode: FloatFormats.RoundMode = .up) throws(KernelError) -> Tensor {
        if x.dtype == to { return x }
        let src = try read(x)
        let shape = x.shape
        let n = x.count

        // Values as Double (exact for every float source), used by float and most int targets.
        func doubles() -> [Double] {
            switch src {
            case let .floats(v): return v
            case let .signed(v): return v.map { Double($0) }
            case let .unsigned(v): return v.map { Double($0) }
            case let .bools(v): return v.map { $0 ? 1 : 0 }
            case let .strings(v): return v.map(parse)
            }
        }
        // Values as Float with a single rounding from the source.
        func floats() -> [Float] {
            switch src {
            case let .floats(v): return v.map { Float($0) }
            case let .signed(v): return v.map { Float($0) }
            case let .unsigned(v): return v.map { Float($0) }
            case let .bools(v): return v.map { $0 ? 1 : 0 }
            case let .strings(v): return v.map { Float(parse($0)) }
            }
        }
        // Integer targets: floats truncate toward zero, integers wrap.
        func integers<T: FixedWidthInteger>(_: T.Type) -> [T] {
            switch src {
            case let .signed(v): return v.map { T(truncatingIfNeeded: $0) }
            case let .unsigned(v): return v.map { T(truncatingIfNeeded: $0) }
            case let .bools(v): return v.map { $0 ? 1 : 0 }
            case let .floats(v): return v.map { floatToInt($0, T.self) }
            case let .strings(v):
                return v.map { s in
                    if let i = Int64(s.trimmingSpaces()) { return T(truncatingIfNeeded: i) }
                    return floatToInt(parse(s), T.self)
                }
            }
        }
        func subByte(bits: Int, signed: Bool) -> [UInt8] {
            let wide: [Int64]
            switch src {
            case let .signed(v): wide = v
            case let .unsigned(v): wide = v.map { Int64(truncatingIfNeeded: $0) }
            case let .bools(v): wide = v.map { $0 ? 1 : 0 }
            case let .floats(v): wide = v.map { floatToInt($0, Int64.self) }
            case let .strings(v): wide = v.map { floatToInt(parse($0), Int64.self) }
            }
            let mask = Int64((1 << bits) - 1)
            return wide.map { w in
                var v = w & mask
                if signed && v & (1 << (bits - 1)) != 0 { v |= ~mask }
                return UInt8(truncatingIfNeeded: v)
            }
        }

        switch to {
        case .string:
            let out: [String]
            switch src {
            case let .floats(v): out = v.map { format($0, from: x.dtype) }
            case let .signed(v): out = v.map { String($0) }
            case let .unsigned(v): out = v.map { String($0) }
            case let .bools(v): out = v.map { $0 ? "True" : "False" }
            case let .strings(v): out = v
            }
            return Tensor(strings: out, shape: shape)
        case .bool:
            let v: [Bool]
            switch src {
            case let .bools(b): v = b
            case let .signed(s): v = s.map { $0 != 0 }
            case let .unsigned(s): v = s.map { $0 != 0 }
            case let .floats(f): v = f.map { $0 != 0 }
            case let .strings(s): v = s.map { !$0.isEmpty }
            }
            return Tensor(dtype: .bool, shape: shape, v)
        case .float:
            return Tensor(dtype: .float, shape: shape, floats())
        case .double:
            return Tensor(dtype: .double, shape: shape, doubles())
        case .float16:
            if case let .floats(v) = src { return Tensor(dtype: .float16, shape: shape, v.map { Float16($0) }) }
            return Tensor(dtype: .float16, shape: shape, floats().map { Float16($0) })
        case .bfloat16:
            return Tensor(dtype: .bfloat16, shape: shape, floats().map { FloatFormats.floatToBFloat16($0) })
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2:
            return Tensor(dtype: to, shape: shape, floats().map { FloatFormats.encode($0, to, saturate: saturate, roundMode: roundMode) })
        case .int8: return Tensor(dtype: .int8, shape: shape, integers(Int8.self))
        case .int16: return Tensor(dtype: .int16, shape: shape, integers(Int16.self))
        case .int32: return Tensor(dtype: .int32, shape: shape, integers(Int32.self))
        case .int64: return Tensor(dtype: .int64, shape: shape, integers(Int64.self))
        case .uint8: return Tensor(dtype: .uint8, shape: shape, integers(UInt8.self))
        case .uint16: return Tensor(dtype: .uint16, shape: shape, integers(UInt16.self))
        case .uint32: return Tensor(dtype: .uint32, shape: shape, integers(UInt32.self))
        case .uint64: return Tensor(dtype: .uint64, shape: shape, integers(UInt64.self))
        case .int4: return Tensor(dtype: .int4, shape: shape, subByte(bits: 4, signed: true))
        case .uint4: return Tensor(dtype: .uint4, shape: shape, subByte(bits: 4, signed: false))
        case .int2: return Tensor(dtype: .int2, shape: shape, subByte(bits: 2, signed: true))
        case .uint2: return Tensor(dtype: .uint2, shape: shape, subByte(bits: 2, signed: false))
        case .complex64:
            let f = floats()
            return Tensor.make(.complex64, shape, as: UInt64.self) { p in
                for i in 0..<n { p[i] = UInt64(f[i].bitPattern) }
            }
        case .complex128:
            let d = doubles()
            return Tensor.make(.complex128, shape, as: Bytes16.self) { p in
                for i in 0..<n { p[i] = Bytes16(lo: d[i].bitPattern, hi: 0) }
            }
        case .undefined:
            throw KernelError("cannot cast to an undefined type")
        }
    }

    /// C-style float to integer conversion (truncation) that never traps; NaN and out-of-range
    /// values give what x86 gives for 32/64-bit conversions (the minimum value).
    @inline(__always)
    static func floatToInt<T: FixedWidthInteger>(_ d: Double, _: T.Type) -> T {
        if d.isNaN || d.isInfinite { return T.bitWidth >= 32 && T.isSigned ? T.min : 0 }
        let t = d.rounded(.towardZero)
        if t >= -9.223372036854775e18 && t < 9.223372036854775e18 { return T(truncatingIfNeeded: Int64(t)) }
        if t >= 0 && t < 1.8446744073709552e19 { return T(truncatingIfNeeded: UInt64(t)) }
        return T.isSigned ? T.min : 0
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

import OnnxModel

/// Typed loops shared by the element-wise families: unary map, broadcasting binary and ternary.
/// Layer (a) of the kernel design: pure functions over typed views.
public enum Elementwise {
    /// out[i] = f(x[i]).
    @inline(__always)
    public static func map<A, O>(_ x: Tensor, to outType: DataType, _: A.Type, _: O.Type, _ f: (A) -> O) -> Tensor {
        x.withUnsafeBuffer(as: A.self) { src in
            Tensor.make(outType, x.shape, as: O.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for i in 0..<src.count { d[i] = f(s[i]) }
            }
        }
    }

    /// out = f(a, b) with numpy broadcasting.
    @inline(__always)
    public static func binary<A, B, O>(_ a: Tensor, _ b: Tensor, to outType: DataType, _: A.Type, _: B.Type, _: O.Type,
                                       _ f: (A, B) -> O) throws(KernelError) -> Tensor {
        let shape = a.shape == b.shape ? a.shape : try Shapes.broadcast(a.shape, b.shape)
        return a.withUnsafeBuffer(as: A.self) { pa in
            b.withUnsafeBuffer(as: B.self) { pb in
                Tensor.make(outType, shape, as: O.self) { po in
                    let n = po.count
                    guard n > 0, let xa = pa.baseAddress, let xb = pb.baseAddress, let xo = po.baseAddress else { return }
                    // One thread: a loop in a chunk closure calls `f` indirectly per element (10x slower).
                    if a.count == n && b.count == n {
                        for i in 0..<n { xo[i] = f(xa[i], xb[i]) }
                    } else if b.count == 1 && a.count == n {
                        let bv = xb[0]
                        for i in 0..<n { xo[i] = f(xa[i], bv) }
                    } else if a.count == 1 && b.count == n {
                        let av = xa[0]
                        for i in 0..<n { xo[i] = f(av, xb[i]) }
                    } else {
                        let (cs, st) = Shapes.coalesce(shape, [Shapes.broadcastStrides(a.shape, to: shape), Shapes.broadcastStrides(b.shape, to: shape)])
                        stridedBinary(xa, xb, xo, shape: cs, sa: st[0], sb: st[1], f)
                    }
                }
            }
        }
    }

    @inline(__always)
    static func stridedBinary<A, B, O>(_ pa: UnsafePointer<A>, _ pb: UnsafePointer<B>, _ po: UnsafeMutablePointer<O>,
                                       shape: [Int], sa: [Int], sb: [Int], _ f: (A, B) -> O) {
        let r = shape.count
        if r == 0 { po[0] = f(pa[0], pb[0]); return }
        let inner = shape[r - 1], ia = sa[r - 1], ib = sb[r - 1]
        let total = Tensor.elementCount(shape)
        var idx = [Int](repeating: 0, count: r)
        var oa = 0, ob = 0, o = 0
        for _ in 0..<(total / inner) {
            let x = pa + oa, y = pb + ob, d = po + o
            if ia == 1 && ib == 1 {
                for i in 0..<inner { d[i] = f(x[i], y[i]) }
            } else if ia == 1 && ib == 0 {
                let bv = y[0]
                for i in 0..<inner { d[i] = f(x[i], bv) }
            } else if ia == 0 && ib == 1 {
                let av = x[0]
                for i in 0..<inner { d[i] = f(av, y[i]) }
            } else {
                for i in 0..<inner { d[i] = f(x[i &* ia], y[i &* ib]) }
            }
            o &+= inner
            var k = r - 2
            while k >= 0 {
                idx[k] &+= 1
                oa &+= sa[k]
                ob &+= sb[k]
                if idx[k] < shape[k] { break }
                oa &-= sa[k] &* shape[k]
                ob &-= sb[k] &* shape[k]
                idx[k] = 0
                k -= 1
            }
        }
    }

    /// out = f(a, b, c) with numpy broadcasting of all three.
    public static func ternary<A, B, C, O>(_ a: Tensor, _ b: Tensor, _ c: Tensor, to outType: DataType,
                                           _: A.Type, _: B.Type, _: C.Type, _: O.Type,
                                           _ f: (A, B, C) -> O) throws(KernelError) -> Tensor {
        let shape = try Shapes.broadcast([a.shape, b.shape, c.shape])
        let sa = Shapes.broadcastStrides(a.shape, to: shape)
        let sb = Shapes.broadcastStrides(b.shape, to: shape)
        let sc = Shapes.broadcastStrides(c.shape, to: shape)
        let (cs, st) = Shapes.coalesce(shape, [sa, sb, sc])
        return a.withUnsafeBuffer(as: A.self) { pa in
            b.withUnsafeBuffer(as: B.self) { pb in
                c.withUnsafeBuffer(as: C.self) { pc in
                    Tensor.make(outType, shape, as: O.self) { po in
                        let n = po.count
                        guard n > 0, let xa = pa.baseAddress, let xb = pb.baseAddress, let xc = pc.baseAddress, let xo = po.baseAddress else { return }
                        let r = cs.count
                        if r == 0 { xo[0] = f(xa[0], xb[0], xc[0]); return }
                        var idx = [Int](repeating: 0, count: r)
                        var oa = 0, ob = 0, oc = 0
                        let inner = cs[r - 1], ia = st[0][r - 1], ib = st[1][r - 1], ic = st[2][r - 1]
                        var o = 0
                        for _ in 0..<(n / inner) {
                            let x = xa + oa, y = xb + ob, z = xc + oc, dst = xo + o
                            for i in 0..<inner { dst[i] = f(x[i &* ia], y[i &* ib], z[i &* ic]) }
                            o += inner
                            var d = r - 2
                            while d >= 0 {
                                idx[d] += 1
                                oa += st[0][d]; ob += st[1][d]; oc += st[2][d]
                                if idx[d] < cs[d] { break }
                                oa -= st[0][d] * cs[d]; ob -= st[1][d] * cs[d]; oc -= st[2][d] * cs[d]
                                idx[d] = 0
                                d -= 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Source flat index for every element of `shape` when reading `src` broadcast to it.
    public static func broadcastIndices(from src: [Int], to shape: [Int]) -> [Int] {
        let st = Shapes.broadcastStrides(src, to: shape)
        let n = Tensor.elementCount(shape)
        var out = [Int](repeating: 0, count: n)
        if n == 0 { return out }
        var idx = [Int](repeating: 0, count: shape.count)
        var off = 0
        for i in 0..<n {
            out[i] = off
            var d = shape.count - 1
            while d >= 0 {
                idx[d] += 1
                off += st[d]
                if idx[d] < shape[d] { break }
                off -= st[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
        return out
    }
}

// MARK: - Function protocols the families dispatch on

/// A unary function on the float types (float16/bfloat16 compute in float32).
public protocol FloatFunction {
    func callAsFunction<T: FloatElement>(_ x: T) -> T
    /// The vectorised float32 loop computing the same function, if CFastMath has one.
    var fastLoop: FastLoop? { get }
}
extension FloatFunction {
    public var fastLoop: FastLoop? { nil }
}
/// A unary function on the integer types.
public protocol IntFunction { func callAsFunction<T: IntElement>(_ x: T) -> T }
public typealias NumericFunction = FloatFunction & IntFunction

/// A binary function on the float types.
public protocol BinaryFloatFunction { func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T }
/// A binary function on the integer types.
public protocol BinaryIntFunction { func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T }
public typealias BinaryNumericFunction = BinaryFloatFunction & BinaryIntFunction

/// A comparison producing bool.
public protocol CompareFunction { func callAsFunction<T: Comparable>(_ a: T, _ b: T) -> Bool }

/// Dispatch of the function protocols over dtypes.
public enum Dispatch {
    /// Reduced float types compute in float32 and round back.
    static func upcast(_ x: Tensor) throws(KernelError) -> Tensor {
        x.dtype.isReducedFloat ? try Cast.convert(x, to: .float) : x
    }

    static func downcast(_ x: Tensor, to t: DataType) throws(KernelError) -> Tensor {
        x.dtype == t ? x : try Cast.convert(x, to: t)
    }

    static func typeError(_ x: Tensor, _ what: String) -> KernelError {
        KernelError.unsupported("input type \(x.dtype.name) is not supported")
    }

    public static func unaryFloat<F: FloatFunction>(_ x: Tensor, _ f: F, op: String = "this op") throws(KernelError) -> Tensor {
        switch x.dtype {
        case .float: return mapFloat32(x, f)
        case .double: return mapFloat(x, f, Double.self)
        case let t where t.isReducedFloat:
            return try downcast(mapFloat32(upcast(x), f), to: t)
        default: throw typeError(x, op)
        }
    }

    static func mapFloat32<F: FloatFunction>(_ x: Tensor, _ f: F) -> Tensor {
        guard let loop = f.fastLoop else { return mapFloat(x, f, Float.self) }
        return x.withUnsafeBuffer(as: Float.self) { src in
            Tensor.make(x.dtype, x.shape, as: Float.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                let t = Parallel.split(src.count, weight: 4)
                if t <= 1 {
                    FastMath.map(loop, s, d, src.count)
                } else {
                    Parallel.run(src.count, parts: t) { r in FastMath.map(loop, s + r.lowerBound, d + r.lowerBound, r.count) }
                }
            }
        }
    }

    /// The loop calls `f` directly (not through a closure) so that its body is always inlined
    /// and the loop vectorises, however large the function is.
    @inline(__always)
    static func mapFloat<T: FloatElement, F: FloatFunction>(_ x: Tensor, _ f: F, _: T.Type) -> Tensor {
        x.withUnsafeBuffer(as: T.self) { src in
            Tensor.make(x.dtype, x.shape, as: T.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for i in 0..<src.count { d[i] = f(s[i]) }
            }
        }
    }

    @inline(__always)
    static func mapInt<T: IntElement, F: IntFunction>(_ x: Tensor, _ f: F, _: T.Type) -> Tensor {
        x.withUnsafeBuffer(as: T.self) { src in
            Tensor.make(x.dtype, x.shape, as: T.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for i in 0..<src.count { d[i] = f(s[i]) }
            }
        }
    }

    public static func unary<F: FloatFunction & IntFunction>(_ x: Tensor, numeric f: F, op: String = "this op") throws(KernelError) -> Tensor {
        switch x.dtype {
        case .int8: return mapInt(x, f, Int8.self)
        case .int16: return mapInt(x, f, Int16.self)
        case .int32: return mapInt(x, f, Int32.self)
        case .int64: return mapInt(x, f, Int64.self)
        case .uint8: return mapInt(x, f, UInt8.self)
        case .uint16: return mapInt(x, f, UInt16.self)
        case .uint32: return mapInt(x, f, UInt32.self)
        case .uint64: return mapInt(x, f, UInt64.self)
        default: return try unaryFloat(x, f, op: op)
        }
    }

    static func sameType(_ a: Tensor, _ b: Tensor) throws(KernelError) {
        guard a.dtype == b.dtype else { throw KernelError("input types differ: \(a.dtype.name) and \(b.dtype.name)") }
    }

    public static func binaryFloat<F: BinaryFloatFunction>(_ a: Tensor, _ b: Tensor, _ f: F, op: String = "this op") throws(KernelError) -> Tensor {
        try sameType(a, b)
        switch a.dtype {
        case .float: return try Elementwise.binary(a, b, to: .float, Float.self, Float.self, Float.self) { f($0, $1) }
        case .double: return try Elementwise.binary(a, b, to: .double, Double.self, Double.self, Double.self) { f($0, $1) }
        case let t where t.isReducedFloat:
            return try downcast(Elementwise.binary(upcast(a), upcast(b), to: .float, Float.self, Float.self, Float.self) { f($0, $1) }, to: t)
        default: throw typeError(a, op)
        }
    }

    public static func binary<F: BinaryFloatFunction & BinaryIntFunction>(_ a: Tensor, _ b: Tensor, numeric f: F, op: String = "this op") throws(KernelError) -> Tensor {
        try sameType(a, b)
        switch a.dtype {
        case .int8: return try Elementwise.binary(a, b, to: .int8, Int8.self, Int8.self, Int8.self) { f($0, $1) }
        case .int16: return try Elementwise.binary(a, b, to: .int16, Int16.self, Int16.self, Int16.self) { f($0, $1) }
        case .int32: return try Elementwise.binary(a, b, to: .int32, Int32.self, Int32.self, Int32.self) { f($0, $1) }
        case .int64: return try Elementwise.binary(a, b, to: .int64, Int64.self, Int64.self, Int64.self) { f($0, $1) }
        case .uint8: return try Elementwise.binary(a, b, to: .uint8, UInt8.self, UInt8.self, UInt8.self) { f($0, $1) }
        case .uint16: return try Elementwise.binary(a, b, to: .uint16, UInt16.self, UInt16.self, UInt16.self) { f($0, $1) }
        case .uint32: return try Elementwise.binary(a, b, to: .uint32, UInt32.self, UInt32.self, UInt32.self) { f($0, $1) }
        case .uint64: return try Elementwise.binary(a, b, to: .uint64, UInt64.self, UInt64.self, UInt64.self) { f($0, $1) }
        default: return try binaryFloat(a, b, f, op: op)
        }
    }

    /// Integer-only binary op (bitwise).
    public static func binaryInt<F: BinaryIntFunction>(_ a: Tensor, _ b: Tensor, _ f: F, op: String = "this op") throws(KernelError) -> Tensor {
        try sameType(a, b)
        switch a.dtype {
        case .int8: return try Elementwise.binary(a, b, to: .int8, Int8.self, Int8.self, Int8.self) { f($0, $1) }
        case .int16: return try Elementwise.binary(a, b, to: .int16, Int16.self, Int16.self, Int16.self) { f($0, $1) }
        case .int32: return try Elementwise.binary(a, b, to: .int32, Int32.self, Int32.self, Int32.self) { f($0, $1) }
        case .int64: return try Elementwise.binary(a, b, to: .int64, Int64.self, Int64.self, Int64.self) { f($0, $1) }
        case .uint8: return try Elementwise.binary(a, b, to: .uint8, UInt8.self, UInt8.self, UInt8.self) { f($0, $1) }
        case .uint16: return try Elementwise.binary(a, b, to: .uint16, UInt16.self, UInt16.self, UInt16.self) { f($0, $1) }
        case .uint32: return try Elementwise.binary(a, b, to: .uint32, UInt32.self, UInt32.self, UInt32.self) { f($0, $1) }
        case .uint64: return try Elementwise.binary(a, b, to: .uint64, UInt64.self, UInt64.self, UInt64.self) { f($0, $1) }
        default: throw typeError(a, op)
        }
    }

    /// Comparison of two tensors of the same type, bool output.
    public static func compare<F: CompareFunction>(_ a: Tensor, _ b: Tensor, _ f: F, op: String = "this op") throws(KernelError) -> Tensor {
        try sameType(a, b)
        switch a.dtype {
        case .float: return try Elementwise.binary(a, b, to: .bool, Float.self, Float.self, Bool.self) { f($0, $1) }
        case .double: return try Elementwise.binary(a, b, to: .bool, Double.self, Double.self, Bool.self) { f($0, $1) }
        case .float16: return try Elementwise.binary(a, b, to: .bool, Float16.self, Float16.self, Bool.self) { f($0, $1) }
        case .int8: return try Elementwise.binary(a, b, to: .bool, Int8.self, Int8.self, Bool.self) { f($0, $1) }
        case .int16: return try Elementwise.binary(a, b, to: .bool, Int16.self, Int16.self, Bool.self) { f($0, $1) }
        case .int32: return try Elementwise.binary(a, b, to: .bool, Int32.self, Int32.self, Bool.self) { f($0, $1) }
        case .int64: return try Elementwise.binary(a, b, to: .bool, Int64.self, Int64.self, Bool.self) { f($0, $1) }
        case .uint8: return try Elementwise.binary(a, b, to: .bool, UInt8.self, UInt8.self, Bool.self) { f($0, $1) }
        case .uint16: return try Elementwise.binary(a, b, to: .bool, UInt16.self, UInt16.self, Bool.self) { f($0, $1) }
        case .uint32: return try Elementwise.binary(a, b, to: .bool, UInt32.self, UInt32.self, Bool.self) { f($0, $1) }
        case .uint64: return try Elementwise.binary(a, b, to: .bool, UInt64.self, UInt64.self, Bool.self) { f($0, $1) }
        case .bool: return try Elementwise.binary(a, b, to: .bool, UInt8.self, UInt8.self, Bool.self) { f($0, $1) }
        case .string: return try Elementwise.binary(a, b, to: .bool, String.self, String.self, Bool.self) { f($0, $1) }
        case let t where t.isReducedFloat:
            return try compare(upcast(a), upcast(b), f, op: op)
        default: throw typeError(a, op)
        }
    }
}

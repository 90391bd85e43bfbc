import OnnxModel

/// The reduce-over-axes family helper: parses keepdims/axes/noop_with_empty_axes for every
/// opset form (axes attribute before opset 13 for ReduceSum and 18 for the others, input after)
/// and runs a typed accumulation loop.
struct ReduceSpec {
    let keepdims: Bool
    let noopWithEmptyAxes: Bool
    let axesAttr: [Int]?
    let axesFromInput: Bool

    init(_ node: NodeContext, axesInputSince: Int) throws(KernelError) {
        keepdims = try node.int("keepdims", default: 1) != 0
        noopWithEmptyAxes = try node.int("noop_with_empty_axes", default: 0) != 0
        axesFromInput = node.sinceVersion >= axesInputSince
        axesAttr = axesFromInput ? nil : try node.ints("axes")
    }

    /// The reduced-dim mask, or nil for "no reduction" (empty axes with noop_with_empty_axes).
    func mask(_ x: Tensor, _ inputs: [Value?]) throws(KernelError) -> [Bool]? {
        let axes: [Int]? = axesFromInput ? try inputs.optionalTensor(1)?.intValues() : axesAttr
        if axes == nil || axes!.isEmpty {
            if noopWithEmptyAxes { return nil }
            return [Bool](repeating: true, count: x.rank)
        }
        var m = [Bool](repeating: false, count: x.rank)
        for a in axes! { m[try Shapes.axis(a, rank: x.rank)] = true }
        return m
    }

    func outputShape(_ shape: [Int], _ mask: [Bool]) -> [Int] {
        var out: [Int] = []
        for (d, n) in shape.enumerated() {
            if mask[d] { if keepdims { out.append(1) } } else { out.append(n) }
        }
        return out
    }
}

enum Reduction {
    case sum, mean, max, min, prod, l1, l2, logSum, logSumExp, sumSquare

    /// The element count of the reduced block when the reduced dims (ignoring dims of size 1)
    /// all come after the kept ones, so each output reduces one contiguous run; nil otherwise.
    static func trailingRun(_ shape: [Int], _ mask: [Bool]) -> Int? {
        var inner = 1, seenReduced = false
        for (d, n) in shape.enumerated() where n != 1 {
            if mask[d] { seenReduced = true; inner *= n } else if seenReduced { return nil }
        }
        return inner
    }

    /// Runs `step` over every input element with the flat index of its output element.
    static func loop<T>(_ x: Tensor, _ mask: [Bool], _: T.Type, _ step: (T, Int) -> Void) {
        let shape = x.shape
        guard x.count > 0 else { return }
        var outStrides = [Int](repeating: 0, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where !mask[d] {
            outStrides[d] = acc
            acc *= shape[d]
        }
        let (cs, st) = Shapes.coalesce(shape, [Shapes.strides(shape), outStrides])
        x.withUnsafeBuffer(as: T.self) { p in
            let r = cs.count
            if r == 0 { step(p[0], 0); return }
            let inner = cs[r - 1], os = st[1][r - 1]
            var idx = [Int](repeating: 0, count: r)
            var i = 0, o = 0
            for _ in 0..<(x.count / inner) {
                if os == 0 {
                    for k in 0..<inner { step(p[i + k], o) }
                } else {
                    for k in 0..<inner { step(p[i + k], o + k * os) }
                }
                i += inner
                var d = r - 2
                while d >= 0 {
                    idx[d] += 1
                    o += st[1][d]
                    if idx[d] < cs[d] { break }
                    o -= st[1][d] * cs[d]
                    idx[d] = 0
                    d -= 1
                }
            }
        }
    }

    /// Reduces `x` over the dims in `mask` to `outShape`.
    func apply(_ x: Tensor, mask: [Bool], outShape: [Int]) throws(KernelError) -> Tensor {
        var n = 1
        for (d, m) in mask.enumerated() where m { n *= x.shape[d] }
        let outCount = Tensor.elementCount(outShape)
        let t = x.dtype
        if t == .float || t == .double || t.isReducedFloat {
            let xf = t == .double ? x : try Dispatch.upcast(x)
            var acc: [Double]
            if xf.dtype == .double {
                acc = reduceFloat(xf, mask, outCount, n, Double.self)
            } else {
                acc = reduceFloat(xf, mask, outCount, n, Float.self)
            }
            let out = Tensor(shape: outShape, acc)
            return try Cast.convert(out, to: t)
        }
        if t.isInteger || t == .bool {
            let wide = try Cast.convert(x, to: .int64)
            switch self {
            case .sum, .prod, .max, .min, .l1, .sumSquare:
                var acc = [Int64](repeating: 0, count: outCount)
                switch self {
                case .prod: acc = [Int64](repeating: 1, count: outCount)
                case .max: acc = [Int64](repeating: Reduction.intRange(t).lo, count: outCount)
                case .min: acc = [Int64](repeating: Reduction.intRange(t).hi, count: outCount)
                default: break
                }
                let op = self
                acc.withUnsafeMutableBufferPointer { a in
                    Reduction.loop(wide, mask, Int64.self) { v, o in
                        switch op {
                        case .sum: a[o] = a[o] &+ v
                        case .prod: a[o] = a[o] &* v
                        case .max: if v > a[o] { a[o] = v }
                        case .min: if v < a[o] { a[o] = v }
                        case .l1: a[o] = a[o] &+ (v < 0 ? 0 &- v : v)
                        default: a[o] = a[o] &+ v &* v
                        }
                    }
                }
                return try Cast.convert(Tensor(shape: outShape, acc), to: t)
            default:
                let acc = reduceFloat(try Cast.convert(x, to: .double), mask, outCount, n, Double.self)
                return try Cast.convert(Tensor(shape: outShape, acc), to: t)
            }
        }
        throw KernelError.unsupported("input type \(t.name) is not supported")
    }

    /// Smallest and largest value of an integer type (the identities of max and min).
    static func intRange(_ t: DataType) -> (lo: Int64, hi: Int64) {
        switch t {
        case .bool, .uint8: return (0, t == .bool ? 1 : 255)
        case .int8: return (-128, 127)
        case .int16: return (-32768, 32767)
        case .uint16: return (0, 65535)
        case .int32: return (Int64(Int32.min), Int64(Int32.max))
        case .uint32: return (0, Int64(UInt32.max))
        case .int4: return (-8, 7)
        case .uint4: return (0, 15)
        case .int2: return (-2, 1)
        case .uint2: return (0, 3)
        case .uint64: return (0, Int64.max)
        default: return (Int64.min, Int64.max)
        }
    }

    /// Accumulates in Double for float inputs.
    func reduceFloat<T: FloatElement>(_ x: Tensor, _ mask: [Bool], _ outCount: Int, _ n: Int, _: T.Type) -> [Double] {
        let op = self
        var acc: [Double]
        switch op {
        case .max: acc = [Double](repeating: -.infinity, count: outCount)
        case .min: acc = [Double](repeating: .infinity, count: outCount)
        case .prod: acc = [Double](repeating: 1, count: outCount)
        default: acc = [Double](repeating: 0, count: outCount)
        }
        if op == .logSumExp {
            var mx = [Double](repeating: -.infinity, count: outCount)
            mx.withUnsafeMutableBufferPointer { m in
                Reduction.loop(x, mask, T.self) { v, o in
                    let d = v.asDouble
                    if d > m[o] || d.isNaN { m[o] = d }
                }
            }
            acc.withUnsafeMutableBufferPointer { a in
                Reduction.loop(x, mask, T.self) { v, o in
                    let m = mx[o].isFinite ? mx[o] : 0
                    a[o] += Double.exp(v.asDouble - m)
                }
            }
            for o in 0..<outCount { acc[o] = Double.log(acc[o]) + (mx[o].isFinite ? mx[o] : 0) }
            return acc
        }
        if op == .sum || op == .mean || op == .sumSquare || op == .l2, x.count > 0, let inner = Reduction.trailingRun(x.shape, mask) {
            // The reduced dims are the trailing ones (a mean over H and W, a row sum): each output
            // adds one contiguous run, in four interleaved double accumulators that pipeline,
            // instead of a closure call and a read-modify-write of `acc` per element.
            let square = op == .sumSquare || op == .l2
            if T.self == Float.self {
                // float32: vectorised double accumulators (CFastMath).
                x.withUnsafeBuffer(as: Float.self) { p in
                    acc.withUnsafeMutableBufferPointer { a in
                        FastMath.rowSums(p.baseAddress!, rows: outCount, n: inner, square: square, into: a.baseAddress!)
                    }
                }
            } else {
                x.withUnsafeBuffer(as: T.self) { p in
                    let base = p.baseAddress!
                    for o in 0..<outCount {
                        let s = base + o &* inner
                        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
                        var i = 0
                        if square {
                            while i &+ 4 <= inner {
                                let v0 = s[i].asDouble, v1 = s[i &+ 1].asDouble, v2 = s[i &+ 2].asDouble, v3 = s[i &+ 3].asDouble
                                a0 += v0 * v0; a1 += v1 * v1; a2 += v2 * v2; a3 += v3 * v3
                                i &+= 4
                            }
                            while i < inner { let v = s[i].asDouble; a0 += v * v; i &+= 1 }
                        } else {
                            while i &+ 4 <= inner {
                                a0 += s[i].asDouble; a1 += s[i &+ 1].asDouble; a2 += s[i &+ 2].asDouble; a3 += s[i &+ 3].asDouble
                                i &+= 4
                            }
                            while i < inner { a0 += s[i].asDouble; i &+= 1 }
                        }
                        acc[o] = (a0 + a1) + (a2 + a3)
                    }
                }
            }
        } else {
            acc.withUnsafeMutableBufferPointer { a in
                Reduction.loop(x, mask, T.self) { v, o in
                    let d = v.asDouble
                    switch op {
                    case .sum, .mean, .logSum: a[o] += d
                    case .prod: a[o] *= d
                    case .max: if d > a[o] || d.isNaN { a[o] = d }
                    case .min: if d < a[o] || d.isNaN { a[o] = d }
                    case .l1: a[o] += Swift.abs(d)
                    case .l2, .sumSquare: a[o] += d * d
                    case .logSumExp: break
                    }
                }
            }
        }
        switch op {
        case .mean: for o in 0..<outCount { acc[o] = n == 0 ? .nan : acc[o] / Double(n) }
        case .l2: for o in 0..<outCount { acc[o] = acc[o].squareRoot() }
        case .logSum: for o in 0..<outCount { acc[o] = Double.log(acc[o]) }
        default: break
        }
        return acc
    }
}

/// Shared kernel body of the Reduce* ops.
struct ReduceKernel {
    let spec: ReduceSpec
    let op: Reduction

    func run(_ inputs: [Value?]) throws(KernelError) -> [Value] {
        let x = try inputs.tensor(0)
        guard let mask = try spec.mask(x, inputs) else { return [.tensor(x)] }
        return [.tensor(try op.apply(x, mask: mask, outShape: spec.outputShape(x.shape, mask)))]
    }
}

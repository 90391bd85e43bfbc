#if canImport(Glibc)
import Glibc
#endif
import CFastMath

/// Float32 transcendental functions without libm calls (CFastMath), written branch-free so that
/// loops over them vectorise, and loops over contiguous float32 arrays compiled for SSE2, AVX2+FMA
/// and AVX-512, the widest the CPU has chosen at run time. Error bounds against libm, measured by
/// FastMathTests over a sweep of float32: exp, log under 1 ulp; expm1, erf, sin, cos under 2 (sin
/// and cos up to |x| = 1e5, libm beyond); tanh, sigmoid, softplus under 3; mish 4.5 (x >= -87);
/// Gelu 6.5 (x >= -9). Double keeps libm.
/// This is the only file that imports CFastMath.
public protocol VectorMath {
    static func vexp(_ x: Self) -> Self
    static func vlog(_ x: Self) -> Self
    static func vtanh(_ x: Self) -> Self
    static func verf(_ x: Self) -> Self
}

extension Double: VectorMath {
    @inline(__always) public static func vexp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func vlog(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func vtanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func verf(_ x: Double) -> Double { Glibc.erf(x) }
}

extension Float: VectorMath {
    @inline(__always) public static func vexp(_ x: Float) -> Float { cfm_expf(x) }
    @inline(__always) public static func vlog(_ x: Float) -> Float { cfm_logf(x) }
    @inline(__always) public static func vtanh(_ x: Float) -> Float { cfm_tanhf(x) }
    @inline(__always) public static func verf(_ x: Float) -> Float { cfm_erff(x) }
}

/// An element-wise float32 function with a vectorised loop in CFastMath.
public enum FastLoop: Sendable, Equatable {
    case exp, expm1, log, sqrt, tanh, sigmoid, erf, gelu, geluTanh, softplus, mish, sin, cos
    case elu(alpha: Float)
    case selu(alpha: Float, gamma: Float)
    case celu(alpha: Float)
}

public enum FastMath {
    /// The instruction set the loops use: 0 SSE2, 1 AVX2+FMA, 2 AVX-512.
    public static var level: Int { Int(cfm_level()) }

    /// Caps the instruction set (tests run the loops at every level the CPU has); never above the CPU's.
    public static func capLevel(_ level: Int) { cfm_force_level(Int32(level)) }

    /// dst[i] = f(src[i]) for i < n; src and dst must not overlap.
    public static func map(_ f: FastLoop, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        let (op, a, b): (cfm_op, Float, Float)
        switch f {
        case .exp: (op, a, b) = (CFM_EXP, 0, 0)
        case .expm1: (op, a, b) = (CFM_EXPM1, 0, 0)
        case .log: (op, a, b) = (CFM_LOG, 0, 0)
        case .sqrt: (op, a, b) = (CFM_SQRT, 0, 0)
        case .tanh: (op, a, b) = (CFM_TANH, 0, 0)
        case .sigmoid: (op, a, b) = (CFM_SIGMOID, 0, 0)
        case .erf: (op, a, b) = (CFM_ERF, 0, 0)
        case .gelu: (op, a, b) = (CFM_GELU, 0, 0)
        case .geluTanh: (op, a, b) = (CFM_GELU_TANH, 0, 0)
        case .softplus: (op, a, b) = (CFM_SOFTPLUS, 0, 0)
        case .mish: (op, a, b) = (CFM_MISH, 0, 0)
        case .sin: (op, a, b) = (CFM_SIN, 0, 0)
        case .cos: (op, a, b) = (CFM_COS, 0, 0)
        case .elu(let alpha): (op, a, b) = (CFM_ELU, alpha, 0)
        case .selu(let alpha, let gamma): (op, a, b) = (CFM_SELU, gamma, gamma * alpha)
        case .celu(let alpha): (op, a, b) = (CFM_CELU, alpha, 0)
        }
        cfm_map(op, src, dst, n, a, b)
    }

    /// Softmax (or LogSoftmax) over `rows` contiguous rows of `n` floats.
    public static func softmaxRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, rows: Int, n: Int, log: Bool) {
        cfm_softmax_rows(src, dst, rows, n, log ? 1 : 0)
    }
}

extension FastMath {
    /// A 2-D depthwise convolution's shape (rank 1 as height 1) for `depthwise`.
    struct DepthwiseShape {
        var batch = 1, inChannels = 1, outChannels = 1, multiplier = 1
        var ih = 1, iw = 1, oh = 1, ow = 1, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0

        var c: cfm_dw_geometry {
            cfm_dw_geometry(batch: batch, in_channels: inChannels, out_channels: outChannels, multiplier: multiplier,
                            ih: ih, iw: iw, oh: oh, ow: ow, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, ph: ph, pw: pw)
        }

        /// Floats of scratch one `depthwise` call needs.
        var scratchCount: Int {
            var g = c
            return cfm_depthwise_scratch(&g)
        }
    }

    /// Output planes `planes` (of batch * outChannels) of a float32 depthwise convolution, NCHW;
    /// `scratch` holds `shape.scratchCount` floats (one per concurrent caller).
    static func depthwise(_ shape: DepthwiseShape, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          y: UnsafeMutablePointer<Float>, planes: Swift.Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        var g = shape.c
        cfm_depthwise(&g, x, w, bias, y, planes.lowerBound, planes.upperBound, scratch)
    }
}

extension FastMath {
    /// im2col of `channels` float32 NCHW planes over a 2-D window (see cfm_im2col2d).
    static func im2col2D(ih: Int, iw: Int, oh: Int, ow: Int, kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int, ph: Int, pw: Int,
                         x: UnsafePointer<Float>, channels: Int, col: UnsafeMutablePointer<Float>) {
        var g = cfm_window2d(ih: ih, iw: iw, oh: oh, ow: ow, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw, ph: ph, pw: pw)
        cfm_im2col2d(&g, x, channels, col)
    }
}

extension FastMath {
    /// An activation applied in place to a convolution's output (see NN.ConvEpilogue).
    enum EpilogueKind: Sendable, Equatable {
        case clip(lo: Float, hi: Float)
        case hardSwish
        case silu
    }

    /// Which kept copies of a fused Conv are held to the end of the run (written with streaming
    /// stores, past the cache); the others are dropped after their last use and stored through it.
    struct StreamedCopies: OptionSet, Sendable {
        let rawValue: Int32
        static let pre = StreamedCopies(rawValue: Int32(CFM_STREAM_PRE))
        static let mid = StreamedCopies(rawValue: Int32(CFM_STREAM_MID))
    }

    /// y[0..<n] = f(y[0..<n]); `pre` receives the values before, `mid` SiLU's sigmoid (either may be nil).
    static func epilogue(_ kind: EpilogueKind, _ y: UnsafeMutablePointer<Float>, pre: UnsafeMutablePointer<Float>?,
                         mid: UnsafeMutablePointer<Float>?, count n: Int, stream: StreamedCopies = [.pre, .mid]) {
        switch kind {
        case let .clip(lo, hi): cfm_epilogue(CFM_EP_CLIP, lo, hi, y, pre, mid, n, stream.rawValue)
        case .hardSwish: cfm_epilogue(CFM_EP_HARDSWISH, 0, 0, y, pre, mid, n, stream.rawValue)
        case .silu: cfm_epilogue(CFM_EP_SILU, 0, 0, y, pre, mid, n, stream.rawValue)
        }
    }
}

extension FastMath {
    /// out[r] = the sum (of squares with `square`) of row r of `rows` contiguous float32 rows of n.
    static func rowSums(_ x: UnsafePointer<Float>, rows: Int, n: Int, square: Bool, into out: UnsafeMutablePointer<Double>) {
        cfm_row_sums(x, rows, n, square ? 1 : 0, out)
    }
}

extension FastMath {
    /// 2-D max (or sum) pooling of `planes` float32 planes; see cfm_pool2d.
    static func pool2d(_ geo: NN.WindowGeometry, sum: Bool, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, planes: Int) {
        var g = cfm_pool2d_geometry(ih: geo.inSize[0], iw: geo.inSize[1], oh: geo.outSize[0], ow: geo.outSize[1],
                                    kh: geo.kernel[0], kw: geo.kernel[1], sh: geo.strides[0], sw: geo.strides[1],
                                    ph: geo.padBegin[0], pw: geo.padBegin[1])
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: cfm_pool2d_scratch(&g))
        defer { scratch.deallocate() }
        cfm_pool2d(&g, sum ? 1 : 0, x, y, planes, scratch)
    }
}

extension FastMath {
    /// Columns of one register tile of `pointwise` at the current instruction-set level.
    static var pointwiseTileColumns: Int { cfm_pointwise_tile_columns() }

    /// Floats of scratch one `pointwise` call needs for k input channels.
    static func pointwiseScratch(k: Int) -> Int { cfm_pointwise_scratch(k) }

    /// Rows `rows` x columns `cols` of a float32 pointwise convolution y[m, n] = w[m, k] x[k, n] +
    /// bias, with the activation `epilogue` (pre/mid laid out as y) applied after it.
    static func pointwise(m: Int, k: Int, n: Int, w: UnsafePointer<Float>, x: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          y: UnsafeMutablePointer<Float>, epilogue: EpilogueKind?, pre: UnsafeMutablePointer<Float>?,
                          mid: UnsafeMutablePointer<Float>?, stream: StreamedCopies = [.pre, .mid], rows: Swift.Range<Int>,
                          cols: Swift.Range<Int>, scratch: UnsafeMutablePointer<Float>, nonfinite: UnsafeMutablePointer<Int32>? = nil) {
        var p = cfm_pointwise_problem(m: m, k: k, n: n, has_epilogue: 0, kind: CFM_EP_CLIP, lo: 0, hi: 0, pre: pre, mid: mid,
                                      stream: stream.rawValue, nonfinite: nonfinite)
        switch epilogue {
        case nil: break
        case let .clip(lo, hi)?: (p.has_epilogue, p.kind, p.lo, p.hi) = (1, CFM_EP_CLIP, lo, hi)
        case .hardSwish?: (p.has_epilogue, p.kind) = (1, CFM_EP_HARDSWISH)
        case .silu?: (p.has_epilogue, p.kind) = (1, CFM_EP_SILU)
        }
        cfm_pointwise(&p, w, x, bias, y, rows.lowerBound, rows.upperBound, cols.lowerBound, cols.upperBound, scratch)
    }
}

extension FastMath {
    /// Whether the floats (doubles) hold a NaN or an infinity, at the widest vector width.
    static func anyNonFinite(_ p: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = p.baseAddress else { return false }
        return cfm_any_nonfinite_f32(base, p.count) != 0
    }

    /// Sets a flag that several threads may set at once.
    static func flagNonFinite(_ flag: UnsafeMutablePointer<Int32>) { cfm_flag_nonfinite(flag) }

    static func anyNonFinite(_ p: UnsafeBufferPointer<Double>) -> Bool {
        guard let base = p.baseAddress else { return false }
        return cfm_any_nonfinite_f64(base, p.count) != 0
    }
}

// Float32 transcendental functions without libm calls, written branch-free so that loops over them
// vectorise, plus loops over contiguous arrays compiled for SSE2, AVX2+FMA and AVX-512 with the
// widest one the CPU supports chosen at run time (a baseline x86-64 binary must run everywhere).
// Used by OnnxRuntime/Core/FastMath.swift (and Ticks.swift for the clock) only.
#ifndef CFASTMATH_H
#define CFASTMATH_H

#include <stdint.h>
#include <string.h>

#define CFM_INLINE static inline __attribute__((always_inline))

CFM_INLINE float cfm_asfloat(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
CFM_INLINE uint32_t cfm_asuint(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
CFM_INLINE float cfm_abs(float x) { return cfm_asfloat(cfm_asuint(x) & 0x7FFFFFFFu); }
/// |m| with the sign of s.
CFM_INLINE float cfm_withsign(float m, float s) {
    return cfm_asfloat((cfm_asuint(m) & 0x7FFFFFFFu) | (cfm_asuint(s) & 0x80000000u));
}

/// Shared range reduction of exp and expm1: e^(hi + lo) with hi + lo = n ln2 + r, |r| <= ln2/2
/// (c = hi + lo already clamped; NaN flows through as NaN bits and callers select NaN at the end).
/// Returns r; *q = e^r - 1 - r = r^2 P(r); *s1, *s2 = two normal factors whose product is 2^n.
CFM_INLINE float cfm_exp_reduce(float c, float hi, float lo, float *q, float *s1, float *s2, int32_t *n) {
    // Round to nearest with the 1.5 * 2^23 trick: the integer lands in the low mantissa bits of t.
    float t = c * 1.44269504088896341f + 12582912.0f;
    float fn = t - 12582912.0f;
    // ln 2 in two parts; the first has 9 significant bits so fn * 0.693359375 is exact.
    float r = hi - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    r = r + lo;
    // Cephes expf: e^r = 1 + r + r^2 P(r) on |r| <= ln2/2.
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    *q = p * r * r;
    int32_t ni = (int32_t)(cfm_asuint(t) - 0x4B400000u);
    int32_t half = ni >> 1;
    *s1 = cfm_asfloat((uint32_t)(half + 127) << 23);
    *s2 = cfm_asfloat((uint32_t)(ni - half + 127) << 23);
    *n = ni;
    return r;
}

/// e^(hi + lo) for hi + lo in [-104, 88.7] where lo carries the digits hi + lo would round away.
CFM_INLINE float cfm_exp_hilo(float hi, float lo) {
    float q, s1, s2; int32_t n;
    float r = cfm_exp_reduce(hi + lo, hi, lo, &q, &s1, &s2, &n);
    return (((q + r) + 1.0f) * s1) * s2;
}

/// e^x: about 1 ulp; subnormal results, +-Inf and NaN like expf.
CFM_INLINE float cfm_expf(float x) {
    float c = x < -104.0f ? -104.0f : x;
    c = c > 88.72283935546875f ? 88.72283935546875f : c;
    float q, s1, s2; int32_t n;
    float r = cfm_exp_reduce(c, c, 0.0f, &q, &s1, &s2, &n);
    // 2^n as two factors keeps n = 128 and n down to -150 (subnormal results) exact until the last
    // rounding. No selects needed: the clamp keeps NaN (comparisons with NaN are false), NaN flows
    // through, and e^88.7228394 (the upper clamp) already overflows to +Inf.
    return (((q + r) + 1.0f) * s1) * s2;
}

/// e^x - 1 with full relative accuracy near 0.
CFM_INLINE float cfm_expm1f(float x) {
    float c = x < -30.0f ? -30.0f : x;
    c = c > 88.72283935546875f ? 88.72283935546875f : c;
    float q, s1, s2; int32_t n;
    float r = cfm_exp_reduce(c, c, 0.0f, &q, &s1, &s2, &n);
    float p = q + r;  // expm1(r)
    // e^x - 1 = 2^n (1 + p) - 1 = 2^n p + (2^n - 1); 2^n - 1 is exact for |n| <= 24. Above that
    // the -1 is below half an ulp.
    float s = s1 * s2;
    float small = s * p + (s - 1.0f);
    float big = ((p + 1.0f) * s1) * s2;
    float y = n > 24 ? big : small;
    y = x > 88.72283935546875f ? __builtin_inff() : y;
    return x != x ? x : y;
}

/// ln x: Cephes logf (x = m 2^e, m in [sqrt(1/2), sqrt(2))); subnormals scaled first; ln 0 = -Inf,
/// negative and NaN -> NaN, ln Inf = Inf.
CFM_INLINE float cfm_logf(float x) {
    int sub = x < 1.17549435e-38f;
    float xs = sub ? x * 8388608.0f : x;
    uint32_t bits = cfm_asuint(xs);
    int32_t e = (int32_t)((bits >> 23) & 0xFF) - (sub ? 149 : 126);
    float m = cfm_asfloat((bits & 0x007FFFFFu) | 0x3F000000u);  // in [0.5, 1)
    int small = m < 0.707106781186547524f;
    e = small ? e - 1 : e;
    m = small ? m + m - 1.0f : m - 1.0f;
    float z = m * m;
    float p = 7.0376836292e-2f;
    p = p * m + -1.1514610310e-1f;
    p = p * m + 1.1676998740e-1f;
    p = p * m + -1.2420140846e-1f;
    p = p * m + 1.4249322787e-1f;
    p = p * m + -1.6668057665e-1f;
    p = p * m + 2.0000714765e-1f;
    p = p * m + -2.4999993993e-1f;
    p = p * m + 3.3333331174e-1f;
    float fe = (float)e;
    float y = p * m * z;
    y = y + fe * -2.12194440e-4f;
    y = y + -0.5f * z;
    y = m + y + fe * 0.693359375f;
    y = x == 0.0f ? -__builtin_inff() : y;
    y = (x < 0.0f || x != x) ? __builtin_nanf("") : y;
    return x == __builtin_inff() ? x : y;
}

/// ln(1 + u) for u >= 0 (or NaN), accurate for tiny u: ln(w) u / (w - 1) with w = 1 + u corrects
/// the rounding of w.
CFM_INLINE float cfm_log1p_pos(float u) {
    float w = 1.0f + u;
    float y = cfm_logf(w) * (u / (w - 1.0f));
    y = w == 1.0f ? u : y;
    return w == __builtin_inff() ? w : y;
}

/// tanh x = expm1(2|x|) / (expm1(2|x|) + 2) with the sign of x; +-1 beyond |x| = 9.1.
CFM_INLINE float cfm_tanhf(float x) {
    float a = cfm_abs(x);
    float e = cfm_expm1f(2.0f * (a < 9.1f ? a : 9.1f));
    float y = cfm_withsign(e / (e + 2.0f), x);
    return x != x ? x : y;
}

/// 1 / (1 + e^-x), computed from e^-|x| so that neither side overflows or cancels.
CFM_INLINE float cfm_sigmoidf(float x) {
    float e = cfm_expf(-cfm_abs(x));
    float y = (x >= 0.0f ? 1.0f : e) / (1.0f + e);
    return x != x ? x : y;
}

/// erfc z for z in [0.75, 10] (callers clamp), given z^2 = hi + lo exactly: t e^(-z^2 + P(t)),
/// t = 1 / (1 + z/2), P fitted by least squares to ln(erfc(z) / t) + z^2 on [0.75, 10.5] (relative
/// error about 1e-7). e^ must not see z^2 rounded: near z = 3, one rounding of z^2 alone costs 20 ulp.
CFM_INLINE float cfm_erfc_big(float z, float hi, float lo) {
    float t = 1.0f / (1.0f + 0.5f * z);
    float p = 0.22731705009937286f;
    p = p * t + -1.0915870666503906f;
    p = p * t + 2.0293853282928467f;
    p = p * t + -1.7334179878234863f;
    p = p * t + 0.6791068911552429f;
    p = p * t + -0.35341596603393555f;
    p = p * t + 0.14009122550487518f;
    p = p * t + 0.36740922927856445f;
    p = p * t + 1.0005803108215332f;
    p = p * t + -1.2655314207077026f;
    return t * cfm_exp_hilo(-hi, p - lo);
}

/// x^2 = *lo + returned hi exactly (for x^2 normal): xh = x's top 12 bits, xh^2 is exact and
/// x^2 - xh^2 = (x - xh)(x + xh).
CFM_INLINE float cfm_square_hilo(float x, float *lo) {
    float xh = cfm_asfloat(cfm_asuint(x) & 0xFFFFF000u);
    *lo = (x - xh) * (x + xh);
    return xh * xh;
}

/// erf x - x for |x| < 0.75: x Q(x^2), Q fitted by least squares to erf(x)/x - 1.
CFM_INLINE float cfm_erf_small_delta(float x) {
    float z = x * x;
    float p = -0.0006787303718738258f;
    p = p * z + 0.005119888577610254f;
    p = p * z + -0.02683752030134201f;
    p = p * z + 0.1128344014286995f;
    p = p * z + -0.376126229763031f;
    p = p * z + 0.12837916612625122f;
    return x * p;
}

/// erf x: an odd polynomial below 0.75; above, 1 - e^P(|x|) with P fitted by least squares to
/// ln erfc on [0.75, 3.95] (no division, unlike cfm_erfc_big; erf rounds to 1 from 3.92 on).
CFM_INLINE float cfm_erff(float x) {
    float a = cfm_abs(x);
    float small = x + cfm_erf_small_delta(x);
    float z = a < 3.95f ? a : 3.95f;
    float p = 1.555224230287422e-06f;
    p = p * z + -4.440643169800751e-05f;
    p = p * z + 0.0005826223641633987f;
    p = p * z + -0.004691998474299908f;
    p = p * z + 0.026226084679365158f;
    p = p * z + -0.10973210632801056f;
    p = p * z + -0.6321998834609985f;
    p = p * z + -1.1300128698349f;
    p = p * z + 0.00026548313326202333f;
    float big = cfm_withsign(1.0f - cfm_expf(p), x);
    float y = a < 0.75f ? small : big;
    return x != x ? x : y;
}

/// x Phi(x) = x (1 + erf(x / sqrt 2)) / 2; for x < 0 1 + erf is taken as erfc(|z|) directly
/// (no cancellation), so the negative tail keeps its relative accuracy.
CFM_INLINE float cfm_geluf(float x) {
    float z = x * 0.70710678118654752f;
    float a = cfm_abs(z);
    float ys = 0.5f * x * (1.0f + (z + cfm_erf_small_delta(z)));
    // z^2 = x^2 / 2 from x itself: z is rounded.
    float xa = cfm_abs(x), lo;
    xa = xa < 14.142135f ? xa : 14.142135f;
    float hi = cfm_square_hilo(xa, &lo);
    float q = cfm_erfc_big(a < 10.0f ? a : 10.0f, 0.5f * hi, 0.5f * lo);
    q = a > 10.0f ? 0.0f : q;
    float yb = 0.5f * x * (z > 0.0f ? 2.0f - q : q);
    float y = a < 0.75f ? ys : yb;
    return x != x ? x : y;
}

/// Gelu with the tanh approximation: x (1 + tanh u) / 2 = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3).
CFM_INLINE float cfm_gelu_tanhf(float x) {
    float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
    return x * cfm_sigmoidf(2.0f * u);
}

/// ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|).
CFM_INLINE float cfm_softplusf(float x) {
    float y = (x > 0.0f ? x : 0.0f) + cfm_log1p_pos(cfm_expf(-cfm_abs(x)));
    return x != x ? x : y;
}

/// x tanh(ln(1 + e^x)) = x n / (n + 2) with n = e^x (e^x + 2), as (x e^x) (e^x + 2) / (n + 2) so
/// that subnormal e^x keeps its digits; x itself above 20.
CFM_INLINE float cfm_mishf(float x) {
    float u = cfm_expf(x < 20.0f ? x : 20.0f);
    float n = u * (u + 2.0f);
    float y = (x * u) * ((u + 2.0f) / (n + 2.0f));
    y = x > 20.0f ? x : y;
    return x != x ? x : y;
}

/// sin or cos (cos = 1) for |x| <= CFM_TRIG_LIMIT: x = j pi/2 + r, Cephes polynomials on
/// |r| <= pi/4. Larger |x| and infinities go to libm (see the loops).
#define CFM_TRIG_LIMIT 100000.0f
CFM_INLINE float cfm_sincosf(float x, uint32_t cos) {
    float t = x * 0.636619772367581343f + 12582912.0f;
    float j = t - 12582912.0f;
    uint32_t q = cfm_asuint(t) + cos;  // quadrant in the low bits (two's complement)
    // The reduction runs in double with pi/2 in two parts (the first has 33 bits, so j times it is
    // exact): near a zero of sin or cos r is tiny and three float parts leave ~10 ulp of error.
    double jd = (double)j;
    float r = (float)(((double)x - jd * 1.57079632673412561417e+00) - jd * 6.07710050650619224932e-11);
    float z = r * r;
    float s = -1.9515295891e-4f;
    s = s * z + 8.3321608736e-3f;
    s = s * z + -1.6666654611e-1f;
    s = r + r * z * s;
    float c = 2.443315711809948e-5f;
    c = c * z + -1.388731625493765e-3f;
    c = c * z + 4.166664568298827e-2f;
    c = 1.0f - 0.5f * z + z * z * c;
    float y = (q & 1u) ? c : s;
    return cfm_asfloat(cfm_asuint(y) ^ ((q & 2u) << 30));
}

/// The element-wise ops with a vectorised float32 loop.
typedef enum {
    CFM_EXP, CFM_LOG, CFM_TANH, CFM_SIGMOID, CFM_ERF, CFM_GELU, CFM_GELU_TANH, CFM_SOFTPLUS, CFM_MISH,
    CFM_ELU, CFM_SELU, CFM_CELU, CFM_SIN, CFM_COS, CFM_EXPM1, CFM_SQRT
} cfm_op;

/// dst[i] = op(src[i]) for i < n; src and dst must not overlap. a, b: Elu alpha; Selu gamma and
/// gamma * alpha; Celu alpha.
void cfm_map(cfm_op op, const float *src, float *dst, long n, float a, float b);

/// Softmax (logarithm = 0) or LogSoftmax (1) over `rows` contiguous rows of n floats.
void cfm_softmax_rows(const float *src, float *dst, long rows, long n, int logarithm);

/// The instruction set the loops use: 0 SSE2, 1 AVX2+FMA, 2 AVX-512. cfm_force_level caps it (tests
/// run every level the CPU has); it never raises it above what the CPU supports.
int cfm_level(void);
void cfm_force_level(int level);

/// Geometry of a 2-D depthwise convolution (one input channel per group; a 1-D one has ih = oh =
/// kh = sh = dh = 1, ph = 0). Output channel m reads input channel m / multiplier.
typedef struct {
    long batch, in_channels, out_channels, multiplier;
    long ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, ph, pw;
} cfm_dw_geometry;

/// Floats of scratch space cfm_depthwise needs per call (the zero-padded, stride-phase-split plane).
long cfm_depthwise_scratch(const cfm_dw_geometry *g);

/// y[plane] for planes [begin, end) of batch * out_channels, NCHW float32; w is [out_channels, kh *
/// kw], bias may be NULL. scratch holds cfm_depthwise_scratch(g) floats. Every output element is the
/// sum over its taps computed in registers: one pass over the output, no im2col matrix.
void cfm_depthwise(const cfm_dw_geometry *g, const float *x, const float *w, const float *bias, float *y,
                   long begin, long end, float *scratch);

/// A 2-D window: input and output sizes, kernel, strides, dilations and leading pads.
typedef struct {
    long ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, ph, pw;
} cfm_window2d;

/// im2col for `channels` NCHW planes: col[(c * kh * kw + ky * kw + kx) * oh * ow + oy * ow + ox] =
/// x[c, oy * sh - ph + ky * dh, ox * sw - pw + kx * dw], zero outside the image.
void cfm_im2col2d(const cfm_window2d *g, const float *x, long channels, float *col);

/// Activations fused into a convolution's output (see epilogue.c).
typedef enum {
    /// min(max(x, lo), hi): Clip, and Relu with lo = 0, hi = +inf.
    CFM_EP_CLIP,
    /// HardSwish.
    CFM_EP_HARDSWISH,
    /// x * sigmoid(x): Sigmoid followed by Mul with the Sigmoid's input.
    CFM_EP_SILU
} cfm_epilogue_kind;

/// Sets a flag that several threads may set at once (relaxed: it is read after they join).
static inline void cfm_flag_nonfinite(int *flag) { __atomic_store_n(flag, 1, __ATOMIC_RELAXED); }

/// Orders streaming stores before the thread that made them signals that its part is done.
static inline void cfm_store_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#endif
}

/// Which kept copies go out with streaming stores (held to the end of a run, not read again soon);
/// the others are stored through the cache (a copy the run drops after its last use).
enum { CFM_STREAM_PRE = 1, CFM_STREAM_MID = 2 };

/// In place over y[0, n): y[i] = f(y[i]). pre (if not NULL) receives the values before (the
/// convolution's own output), mid (if not NULL) the inner value (SiLU's sigmoid); none may overlap.
/// `stream`: CFM_STREAM_* bits.
void cfm_epilogue(cfm_epilogue_kind kind, float lo, float hi, float *y, float *pre, float *mid, long n, int stream);

/// A pointwise (1x1, unit stride) convolution of one image, y[M, N] = W[M, K] x[K, N] + bias, and
/// the activation fused after it (has_epilogue; pre and mid as for cfm_epilogue, laid out as y).
typedef struct {
    long m, k, n;
    int has_epilogue;
    cfm_epilogue_kind kind;
    float lo, hi;
    float *pre, *mid;
    /// CFM_STREAM_* bits for pre and mid.
    int stream;
    /// Without pre: set to 1 when a value before the activation is a NaN or an infinity (NULL: not asked).
    int *nonfinite;
} cfm_pointwise_problem;

/// Floats of scratch one cfm_pointwise call needs for K input channels.
long cfm_pointwise_scratch(long k);
/// Columns of one register tile at the current instruction-set level (ranges split between
/// threads at multiples of it compute no padded columns).
long cfm_pointwise_tile_columns(void);
/// Rows [m0, m1) x columns [n0, n1) of y (bias may be NULL); every output element is the bias
/// plus its K products accumulated in order, stored once, then the activation.
void cfm_pointwise(const cfm_pointwise_problem *p, const float *w, const float *x, const float *bias, float *y,
                   long m0, long m1, long n0, long n1, float *scratch);

/// Whether x[0, n) holds a NaN or an infinity (specials.c).
int cfm_any_nonfinite_f32(const float *x, long n);
int cfm_any_nonfinite_f64(const double *x, long n);

/// out[r] = sum of row r (of x[i]^2 when square != 0) for `rows` contiguous rows of n floats,
/// accumulated in double.
void cfm_row_sums(const float *x, long rows, long n, int square, double *out);


/// 2-D pooling of `planes` float32 planes (pool.c): the max (sum != 0: the sum) over each window's
/// taps inside the plane, in row-major tap order; -inf (or 0) for a window with none.
typedef struct {
    long ih, iw, oh, ow, kh, kw, sh, sw, ph, pw;
} cfm_pool2d_geometry;
long cfm_pool2d_scratch(const cfm_pool2d_geometry *g);
void cfm_pool2d(const cfm_pool2d_geometry *g, int sum, const float *x, float *y, long planes, float *scratch);

// Time stamps for per-node timing (ticks.c): cfm_ticks() is the time-stamp counter where the
// kernel keeps time with it, else CLOCK_MONOTONIC nanoseconds; cfm_ns_per_tick() converts.
extern int cfm_tsc_usable;
uint64_t cfm_monotonic_ns(void);
double cfm_ns_per_tick(void);
static inline uint64_t cfm_ticks(void) {
#if defined(__x86_64__)
    if (cfm_tsc_usable) return __builtin_ia32_rdtsc();
#endif
    return cfm_monotonic_ns();
}

#endif

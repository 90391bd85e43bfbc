// Loop bodies of epilogue.c, included once per instruction set (no include guard on purpose).
#define EP_NAME2(a, b) a##_##b
#define EP_NAME(a, b) EP_NAME2(a, b)

// y[i] = f(x) with x = y[i]; pre[i] = x and mid[i] = the inner value when those are kept.
#define EP_LOOP(inner, expr)                                                      \
    if (pre && mid) {                                                             \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                \
        for (long i = 0; i < n; i++) { float x = y[i]; float m = (inner); pre[i] = x; mid[i] = m; y[i] = (expr); } \
    } else if (pre) {                                                             \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                \
        for (long i = 0; i < n; i++) { float x = y[i]; float m = (inner); pre[i] = x; y[i] = (expr); } \
    } else {                                                                      \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                \
        for (long i = 0; i < n; i++) { float x = y[i]; float m = (inner); y[i] = (expr); } \
    }

CFM_TARGET static void EP_NAME(epilogue, CFM_SUFFIX)(cfm_epilogue_kind kind, float lo, float hi, float *restrict y,
                                                     float *restrict pre, float *restrict mid, long n) {
    switch (kind) {
    case CFM_EP_CLIP:
        // Clip's clampFloat32 (and Relu as [0, inf)): comparisons with NaN are false, NaN stays.
        EP_LOOP(x < lo ? lo : x, m > hi ? hi : m)
        break;
    case CFM_EP_HARDSWISH: {
        // HardSwish: x * max(0, min(1, x / 6 + 1/2)) with Swift's min (b < a ? b : a) and max (b >= a ? b : a).
        EP_LOOP(x / 6.0f + 0.5f, x * ((m < 1.0f ? m : 1.0f) >= 0.0f ? (m < 1.0f ? m : 1.0f) : 0.0f))
        break;
    }
    case CFM_EP_SILU:
        // Sigmoid's vector loop, then Mul.
        EP_LOOP(cfm_sigmoidf(x), x * m)
        break;
    }
}


#undef EP_NAME
#undef EP_NAME2

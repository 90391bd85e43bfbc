// Loop bodies of epilogue.c, included once per instruction set (no include guard on purpose).
#define EP_NAME2(a, b) a##_##b
#define EP_NAME(a, b) EP_NAME2(a, b)

// A kept copy held to the end of the run (pre: the Conv's own output; mid) is written with
// streaming stores: nothing in the run reads it again, so it should neither be read into the cache
// before being overwritten nor push y, which the next node reads, out of it. A copy the run drops
// after its last use goes through the cache: its buffer is reused soon.
typedef float EP_NAME(ep_v16, CFM_SUFFIX) __attribute__((ext_vector_type(16)));
typedef float EP_NAME(ep_v16u, CFM_SUFFIX) __attribute__((ext_vector_type(16), aligned(4)));

CFM_TARGET static void EP_NAME(stream_copy, CFM_SUFFIX)(float *restrict dst, const float *restrict src, long n) {
    long i = 0;
    for (; i < n && ((uintptr_t)(dst + i) & 63); i++) dst[i] = src[i];
    for (; i + 16 <= n; i += 16) {
        EP_NAME(ep_v16u, CFM_SUFFIX) v = *(const EP_NAME(ep_v16u, CFM_SUFFIX) *)(src + i);
        __builtin_nontemporal_store(v, (EP_NAME(ep_v16, CFM_SUFFIX) *)(dst + i));
    }
    for (; i < n; i++) dst[i] = src[i];
}

// y[i] = f(x) with x = y[i]; pre[i] = x and mid[i] = the inner value when those are kept.
#define EP_LOOP(inner, expr)                                                      \
    if (pre && (stream & CFM_STREAM_PRE)) EP_NAME(stream_copy, CFM_SUFFIX)(pre, y, n); \
    else if (pre) memcpy(pre, y, (size_t)n * sizeof(float));                      \
    if (mid && !(stream & CFM_STREAM_MID)) {                                      \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                \
        for (long i = 0; i < n; i++) { float x = y[i]; float m = (inner); mid[i] = m; y[i] = (expr); } \
    } else if (mid) {                                                             \
        /* mid goes through a cached chunk, then out with streaming stores too. */ \
        float chunk[256] __attribute__((aligned(64)));                            \
        for (long c = 0; c < n; c += 256) {                                       \
            long len = n - c < 256 ? n - c : 256;                                 \
            float *yc = y + c;                                                    \
            _Pragma("clang loop vectorize(enable) interleave(enable)")            \
            for (long i = 0; i < len; i++) { float x = yc[i]; float m = (inner); chunk[i] = m; yc[i] = (expr); } \
            EP_NAME(stream_copy, CFM_SUFFIX)(mid + c, chunk, len);                \
        }                                                                         \
    } else {                                                                      \
        _Pragma("clang loop vectorize(enable) interleave(enable)")                \
        for (long i = 0; i < n; i++) { float x = y[i]; float m = (inner); y[i] = (expr); } \
    }                                                                             \
    if (stream) cfm_store_fence();

CFM_TARGET static void EP_NAME(epilogue, CFM_SUFFIX)(cfm_epilogue_kind kind, float lo, float hi, float *restrict y,
                                                     float *restrict pre, float *restrict mid, long n, int stream) {
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

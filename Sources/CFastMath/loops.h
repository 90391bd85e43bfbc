// Loop bodies of fastmath.c, included once per instruction set with CFM_TARGET and CFM_SUFFIX set
// (no include guard on purpose).
#define CFM_NAME2(a, b) a##_##b
#define CFM_NAME(a, b) CFM_NAME2(a, b)

#define CFM_LOOP(expr) \
    _Pragma("clang loop vectorize(enable) interleave(enable)") \
    for (long i = 0; i < n; i++) { float x = src[i]; dst[i] = (expr); }

CFM_TARGET static void CFM_NAME(map, CFM_SUFFIX)(cfm_op op, const float *restrict src, float *restrict dst,
                                                 long n, float a, float b) {
    switch (op) {
    case CFM_EXP: CFM_LOOP(cfm_expf(x)) break;
    case CFM_EXPM1: CFM_LOOP(cfm_expm1f(x)) break;
    case CFM_LOG: CFM_LOOP(cfm_logf(x)) break;
    case CFM_SQRT: CFM_LOOP(cfm_sqrt(x)) break;
    case CFM_TANH: CFM_LOOP(cfm_tanhf(x)) break;
    case CFM_SIGMOID: CFM_LOOP(cfm_sigmoidf(x)) break;
    case CFM_ERF: CFM_LOOP(cfm_erff(x)) break;
    case CFM_GELU: CFM_LOOP(cfm_geluf(x)) break;
    case CFM_GELU_TANH: CFM_LOOP(cfm_gelu_tanhf(x)) break;
    case CFM_SOFTPLUS: CFM_LOOP(cfm_softplusf(x)) break;
    case CFM_MISH: CFM_LOOP(cfm_mishf(x)) break;
    case CFM_ELU: CFM_LOOP(x > 0.0f ? x : a * cfm_expm1f(x)) break;
    case CFM_SELU: CFM_LOOP(x > 0.0f ? a * x : b * cfm_expm1f(x)) break;
    case CFM_CELU: CFM_LOOP(x > 0.0f ? x : a * cfm_expm1f(x / a)) break;
    case CFM_SIN:
    case CFM_COS: {
        uint32_t c = op == CFM_COS;
        uint32_t far = 0;
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (long i = 0; i < n; i++) {
            float x = src[i];
            dst[i] = cfm_sincosf(x, c);
            far |= cfm_abs(x) > CFM_TRIG_LIMIT;
        }
        // Rare: large arguments (and infinities) need libm's exact reduction.
        if (far) {
            for (long i = 0; i < n; i++) {
                if (cfm_abs(src[i]) > CFM_TRIG_LIMIT) dst[i] = c ? cosf(src[i]) : sinf(src[i]);
            }
        }
        break;
    }
    }
}

CFM_TARGET static void CFM_NAME(softmax, CFM_SUFFIX)(const float *restrict src, float *restrict dst,
                                                     long rows, long n, int logarithm) {
    for (long row = 0; row < rows; row++) {
        const float *restrict x = src + row * n;
        float *restrict y = dst + row * n;
        // The max on order-preserving integer images of the floats (an integer reduction vectorises
        // where a float max reduction does not), NaN separately: any NaN makes the row NaN.
        int32_t mi = INT32_MIN;
        uint32_t nan = 0;
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (long i = 0; i < n; i++) {
            uint32_t b = cfm_asuint(x[i]);
            int32_t k = (int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) & 0x7FFFFFFFu));
            mi = k > mi ? k : mi;
            nan |= (b & 0x7FFFFFFFu) > 0x7F800000u;
        }
        uint32_t mb = (uint32_t)mi;
        float m = cfm_asfloat(mb ^ ((uint32_t)((int32_t)mb >> 31) & 0x7FFFFFFFu));
        m = nan ? __builtin_nanf("") : m;
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (long i = 0; i < n; i++) y[i] = cfm_expf(x[i] - m);
        float sum = 0.0f;
        {
            // Summing in vector lanes reorders the additions (at least as accurate as in order).
            _Pragma("clang fp reassociate(on)")
            _Pragma("clang loop vectorize(enable) interleave(enable)")
            for (long i = 0; i < n; i++) sum += y[i];
        }
        if (logarithm) {
            float l = cfm_logf(sum);
            _Pragma("clang loop vectorize(enable) interleave(enable)")
            for (long i = 0; i < n; i++) y[i] = (x[i] - m) - l;
        } else {
            float inv = 1.0f / sum;
            _Pragma("clang loop vectorize(enable) interleave(enable)")
            for (long i = 0; i < n; i++) y[i] *= inv;
        }
    }
}

#undef CFM_LOOP
#undef CFM_NAME
#undef CFM_NAME2

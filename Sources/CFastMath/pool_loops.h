// Loop bodies of pool.c, included once per instruction set (no include guard on purpose).
#define PL_NAME2(a, b) a##_##b
#define PL_NAME(a, b) PL_NAME2(a, b)

typedef float PL_NAME(pl_v16, CFM_SUFFIX) __attribute__((ext_vector_type(16), aligned(4)));

// a = max(a, v) keeping a when v is NaN (v > a is false), as the Swift engine does; or a + v.
#define PL_ACC(a, v) ((sum) ? (a) + (v) : ((v) > (a) ? (v) : (a)))

// Each output row in two passes through a small scratch row, both contiguous and vectorised:
// t = the window rows reduced element-wise (in row order), padded on both sides with the
// identity (-inf or 0); then each output reduces its kw columns of t in order. Stride 2 reads t
// through its even and odd halves (split with vector shuffles), so no pass needs strided loads,
// which the compilers turn into slow gathers. Sums add rows first, then columns, as the separable
// engine does; a window with no tap inside the plane gives -inf (or 0).
// Inlined once per kind with `sum` a constant, so that no loop carries both the max and the sum.
CFM_TARGET __attribute__((always_inline)) static inline void PL_NAME(pool2d_kind, CFM_SUFFIX)(
    const cfm_pool2d_geometry *g, const int sum, const float *restrict x, float *restrict y, long planes, float *restrict scratch) {
    const long ih = g->ih, iw = g->iw, oh = g->oh, ow = g->ow, kh = g->kh, kw = g->kw;
    const long sh = g->sh, sw = g->sw, ph = g->ph, pw = g->pw;
    const float init = sum ? 0.0f : -__builtin_inff();
    long len = (ow - 1) * sw + kw;
    if (len < pw + iw) len = pw + iw;
    len = (len + 31) & ~31L;
    float *restrict t = scratch, *restrict ev = scratch + len, *restrict od = scratch + len + len / 2;
    for (long j = 0; j < len; j++) t[j] = init;
    float *restrict tw = t + pw;
    for (long p = 0; p < planes; p++) {
        const float *restrict xp = x + p * ih * iw;
        float *restrict yp = y + p * oh * ow;
        for (long i = 0; i < oh; i++) {
            long h0 = i * sh - ph, h1 = h0 + kh;
            if (h0 < 0) h0 = 0;
            if (h1 > ih) h1 = ih;
            if (h0 >= h1) {
                for (long w = 0; w < iw; w++) tw[w] = init;
            } else {
                // A max starts from -inf so that a NaN never gets in; a sum from its first row.
                long h = h0;
                if (sum) {
                    const float *restrict r0 = xp + h0 * iw;
                    for (long w = 0; w < iw; w++) tw[w] = r0[w];
                    h++;
                } else {
                    for (long w = 0; w < iw; w++) tw[w] = init;
                }
                for (; h < h1; h++) {
                    const float *restrict r = xp + h * iw;
                    for (long w = 0; w < iw; w++) tw[w] = PL_ACC(tw[w], r[w]);
                }
            }
            float *restrict yr = yp + i * ow;
            const float *restrict src = t;
            long step = sw;
            if (sw == 2) {
                for (long j = 0; j < len; j += 32) {
                    PL_NAME(pl_v16, CFM_SUFFIX) a = *(const PL_NAME(pl_v16, CFM_SUFFIX) *)(t + j);
                    PL_NAME(pl_v16, CFM_SUFFIX) b = *(const PL_NAME(pl_v16, CFM_SUFFIX) *)(t + j + 16);
                    *(PL_NAME(pl_v16, CFM_SUFFIX) *)(ev + j / 2) =
                        __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                    *(PL_NAME(pl_v16, CFM_SUFFIX) *)(od + j / 2) =
                        __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
                }
                step = 1;
            }
            if (step == 1) {
                // Tap k of output o is src[o + k] (stride 1), or ev/od[o + k / 2] (stride 2).
                const float *restrict s0 = sw == 2 ? ev : src;
                long k = 0;
                if (sum) {
                    for (long o = 0; o < ow; o++) yr[o] = s0[o];
                    k = 1;
                } else {
                    for (long o = 0; o < ow; o++) yr[o] = init;
                }
                for (; k < kw; k++) {
                    const float *restrict s = sw == 2 ? (k & 1 ? od : ev) + k / 2 : src + k;
                    for (long o = 0; o < ow; o++) yr[o] = PL_ACC(yr[o], s[o]);
                }
            } else {
                for (long o = 0; o < ow; o++) {
                    float a = sum ? src[o * sw] : init;
                    for (long k = sum ? 1 : 0; k < kw; k++) a = PL_ACC(a, src[o * sw + k]);
                    yr[o] = a;
                }
            }
        }
    }
}

CFM_TARGET static void PL_NAME(pool2d, CFM_SUFFIX)(const cfm_pool2d_geometry *g, int sum, const float *restrict x,
                                                   float *restrict y, long planes, float *restrict scratch) {
    if (sum) PL_NAME(pool2d_kind, CFM_SUFFIX)(g, 1, x, y, planes, scratch);
    else PL_NAME(pool2d_kind, CFM_SUFFIX)(g, 0, x, y, planes, scratch);
}

#undef PL_ACC
#undef PL_NAME
#undef PL_NAME2

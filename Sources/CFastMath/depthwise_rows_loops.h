// Loop bodies of depthwise_rows.c, included once per instruction set (no include guard on purpose).
#define DR_CAT2(a, b) a##_##b
#define DR_CAT(a, b) DR_CAT2(a, b)
#define DR_FN(name) DR_CAT(name, CFM_SUFFIX)

/// d[0, n) = s[0, n) in 16-float vectors, the last one overlapping; below 16, one float at a time
/// (library calls cost more than these short rows).
CFM_TARGET static inline void DR_FN(dr_copy)(float *d, const float *s, long n) {
    if (n < 16) {
        for (long i = 0; i < n; i++) d[i] = s[i];
        return;
    }
    for (long i = 0;; i += 16) {
        if (i + 16 > n) i = n - 16;
        *(dr_vf *)(d + i) = *(const dr_vf *)(s + i);
        if (i + 16 >= n) break;
    }
}

/// Tap kx of the 16 outputs from column j of padded row r: stride 1, p[j + kx ..]; stride 2, the
/// even or odd lanes of the 32 floats from p[2j + (kx & ~1)] (loaded once per even base).
#define DR_EVEN 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#define DR_ODD 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31

/// Adds row r's K taps (weight vectors wr) of output vector j into acc.
#define DR_TAPS(acc, r, j, wr)                                                                         \
    do {                                                                                               \
        if (S == 1) {                                                                                  \
            _Pragma("clang loop unroll(full)") for (int kx = 0; kx < K; kx++) acc += (wr)[kx] *        \
                *(const dr_vf *)((r) + (j) + kx);                                                      \
        } else {                                                                                       \
            _Pragma("clang loop unroll(full)") for (int kx = 0; kx < K; kx += 2) {                     \
                dr_vf lo = *(const dr_vf *)((r) + 2 * (j) + kx), hi = *(const dr_vf *)((r) + 2 * (j) + kx + 16); \
                acc += (wr)[kx] * __builtin_shufflevector(lo, hi, DR_EVEN);                           \
                if (kx + 1 < K) acc += (wr)[kx + 1] * __builtin_shufflevector(lo, hi, DR_ODD);       \
            }                                                                                          \
        }                                                                                              \
    } while (0)

/// NR (1 or 2) output rows from padded rows rows[0 .. K + S): output row t reads rows[t * S + ky].
/// Vectors of 16 at j = 0, 16, ... and ow - 16 (overlapping its neighbour); even and odd window
/// rows in separate sums so the chains are short. Inlined per constant (K, S, NR).
CFM_TARGET __attribute__((always_inline)) static inline void DR_FN(dr_rows)(const float *const *rows, const dr_vf *wv, float bias, float *y0,
                                                                           float *y1, long ow, const int NR, const int K, const int S) {
    const dr_vf b = (dr_vf)(bias);
    const float *r[7];
    _Pragma("clang loop unroll(full)") for (int t = 0; t < K + S; t++) r[t] = rows[t];
    for (long j = 0;; j += 16) {
        if (j + 16 > ow) j = ow - 16;
        dr_vf a0 = b, a1 = (dr_vf)(0.0f), c0 = b, c1 = (dr_vf)(0.0f);
        _Pragma("clang loop unroll(full)") for (int ky = 0; ky < K; ky++) {
            const dr_vf *wr = wv + ky * K;
            if (ky & 1) {
                DR_TAPS(a1, r[ky], j, wr);
                if (NR > 1) DR_TAPS(c1, r[ky + S], j, wr);
            } else {
                DR_TAPS(a0, r[ky], j, wr);
                if (NR > 1) DR_TAPS(c0, r[ky + S], j, wr);
            }
        }
        *(dr_vf *)(y0 + j) = a0 + a1;
        if (NR > 1) *(dr_vf *)(y1 + j) = c0 + c1;
        if (j + 16 >= ow) break;
    }
}

/// Planes [begin, end) for a constant window K x K and stride S, two output rows at a time. The
/// rows the next two output rows add are copied into the ring before these two are computed, so
/// no load reads a row whose stores are still in flight (a store-to-load forwarding stall).
CFM_TARGET __attribute__((always_inline)) static inline void DR_FN(dr_planes_ks)(const cfm_dw_geometry *g, const dr_layout *l, const float *x,
                                                                                const float *w, const float *bias, float *y, long begin,
                                                                                long end, float *scratch, const int K, const int S) {
    const int R = K + 3 * S;
    const long oh = g->oh, ow = g->ow, ih = g->ih, iw = g->iw;
    const long in_plane = ih * iw, out_plane = oh * ow;
    long n = iw, room = l->padded - g->pw;
    if (n > room) n = room;
    float *zero = scratch + l->zero_at;
    // Pads stay zero for the whole call: fills write only the image's columns.
    for (long i = 0; i < l->total; i += 16) *(dr_vf *)(scratch + i) = (dr_vf)(0.0f);
    long tag[11];
    long last_input = -1;
    const float *xp = x;
    for (long p = begin; p < end; p++) {
        long m = p % g->out_channels;
        long input = (p / g->out_channels) * g->in_channels + m / g->multiplier;
        if (input != last_input) {
            for (int t = 0; t < R; t++) tag[t] = -1;
            last_input = input;
            xp = x + input * in_plane;
        }
        const float *wk = w + m * K * K;
        dr_vf wv[25];
        _Pragma("clang loop unroll(full)") for (int t = 0; t < K * K; t++) wv[t] = (dr_vf)(wk[t]);
        float b = bias ? bias[m] : 0.0f;
        float *yp = y + p * out_plane;
        for (long oy = 0; oy < oh; oy += 2) {
            // This pair's rows (filled a step ago, except for the first pair), then the next's.
            for (long t = 0; t < 2 * (K + S); t++) {
                long iy = oy * S - g->ph + (t < K + S ? t : t - (K + S) + 2 * S);
                if (t >= K + S && oy + 2 >= oh) break;
                if (iy < 0 || iy >= ih) continue;
                long slot = iy % R;
                if (tag[slot] != iy) {
                    DR_FN(dr_copy)(scratch + slot * l->row + g->pw, xp + iy * iw, n);
                    tag[slot] = iy;
                }
            }
            const float *rows[7];
            for (int t = 0; t < K + S; t++) {
                long iy = oy * S - g->ph + t;
                rows[t] = iy < 0 || iy >= ih ? zero : scratch + (iy % R) * l->row;
            }
            if (oy + 1 < oh) DR_FN(dr_rows)(rows, wv, b, yp + oy * ow, yp + (oy + 1) * ow, ow, 2, K, S);
            else DR_FN(dr_rows)(rows, wv, b, yp + oy * ow, NULL, ow, 1, K, S);
        }
    }
}

CFM_TARGET static void DR_FN(dr_planes)(const cfm_dw_geometry *g, const dr_layout *l, const float *x, const float *w, const float *bias,
                                        float *y, long begin, long end, float *scratch) {
    if (l->k == 3 && l->s == 1) DR_FN(dr_planes_ks)(g, l, x, w, bias, y, begin, end, scratch, 3, 1);
    else if (l->k == 3) DR_FN(dr_planes_ks)(g, l, x, w, bias, y, begin, end, scratch, 3, 2);
    else if (l->s == 1) DR_FN(dr_planes_ks)(g, l, x, w, bias, y, begin, end, scratch, 5, 1);
    else DR_FN(dr_planes_ks)(g, l, x, w, bias, y, begin, end, scratch, 5, 2);
}

#undef DR_TAPS
#undef DR_EVEN
#undef DR_ODD
#undef DR_FN
#undef DR_CAT
#undef DR_CAT2

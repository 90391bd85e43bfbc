// Loop bodies of pointwise.c, included once per instruction set (no include guard on purpose).
#define PW_CAT2(a, b) a##_##b
#define PW_CAT(a, b) PW_CAT2(a, b)
#define PW_FN(name) PW_CAT(name, CFM_SUFFIX)
#define PW_MR PW_CAT(PW_MR, CFM_SUFFIX)
#define PW_NV PW_CAT(PW_NV, CFM_SUFFIX)

typedef float PW_FN(pw_v16) __attribute__((ext_vector_type(16), aligned(4)));
typedef float PW_FN(pw_v16a) __attribute__((ext_vector_type(16)));
typedef int PW_FN(pw_i16) __attribute__((ext_vector_type(16)));

/// y[i, 0 .. 16 * nv) = bias[i] + sum_k w[i, k] * x[k, 0 .. 16 * nv) for i < mr, k in order, one
/// multiply-add per (row, k) and column vector, all in registers, then clamped to [lo, hi] when
/// `clip` (Clip's comparisons: NaN stays NaN). `pre` (laid out as y), when kept, receives the
/// values before the clamp straight from the registers: with streaming stores when `stream` (64-byte
/// aligned rows), since nothing in the run reads the copy again. Without a copy, `nonfinite` (when
/// not NULL) is set if any value before the clamp is a NaN or an infinity: the run then knows
/// whether the values it did not keep hold any. Inlined per constant (mr, nv).
CFM_TARGET __attribute__((always_inline)) static inline void PW_FN(pw_tile)(const float *restrict x, long ldx, const float *restrict w,
                                                                           long k, const float *restrict bias, float *restrict y, long ldy,
                                                                           const int mr, const int nv, int clip, float lo, float hi,
                                                                           float *restrict pre, int stream, int *nonfinite) {
    PW_FN(pw_v16) acc[PW_MAX_MR][2];
    _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
        float b = bias ? bias[i] : 0.0f;
        acc[i][0] = (PW_FN(pw_v16))(b);
        acc[i][1] = (PW_FN(pw_v16))(b);
    }
    for (long c = 0; c < k; c++) {
        const float *xr = x + c * ldx;
        PW_FN(pw_v16) x0 = *(const PW_FN(pw_v16) *)xr;
        PW_FN(pw_v16) x1 = nv > 1 ? *(const PW_FN(pw_v16) *)(xr + 16) : x0;
        _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
            float a = w[i * k + c];
            acc[i][0] += a * x0;
            if (nv > 1) acc[i][1] += a * x1;
        }
    }
    if (pre) {
        _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
            _Pragma("clang loop unroll(full)") for (int j = 0; j < nv; j++) {
                if (stream) __builtin_nontemporal_store(acc[i][j], (PW_FN(pw_v16a) *)(pre + i * ldy + 16 * j));
                else *(PW_FN(pw_v16) *)(pre + i * ldy + 16 * j) = acc[i][j];
            }
        }
    } else if (nonfinite) {
        PW_FN(pw_v16) inf = (PW_FN(pw_v16))(__builtin_inff());
        PW_FN(pw_i16) bad = (PW_FN(pw_i16))(0);
        _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
            // |x| < inf is false for NaN and both infinities.
            _Pragma("clang loop unroll(full)") for (int j = 0; j < nv; j++) bad |= (__builtin_elementwise_abs(acc[i][j]) < inf) == 0;
        }
        if (__builtin_reduce_or(bad)) cfm_flag_nonfinite(nonfinite);
    }
    if (clip) {
        PW_FN(pw_v16) vl = (PW_FN(pw_v16))(lo), vh = (PW_FN(pw_v16))(hi);
        _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
            _Pragma("clang loop unroll(full)") for (int j = 0; j < nv; j++) {
                PW_FN(pw_v16) v = acc[i][j];
                v = v < lo ? vl : v;
                acc[i][j] = v > hi ? vh : v;
            }
        }
    }
    _Pragma("clang loop unroll(full)") for (int i = 0; i < mr; i++) {
        *(PW_FN(pw_v16) *)(y + i * ldy) = acc[i][0];
        if (nv > 1) *(PW_FN(pw_v16) *)(y + i * ldy + 16) = acc[i][1];
    }
}

/// One tile of `mr` rows (1 ... PW_MR) and nv vectors of columns (PW_NV, or 1 for a narrow tail),
/// dispatched to its constant-size body.
CFM_TARGET static void PW_FN(pw_rows)(const float *x, long ldx, const float *w, long k, const float *bias, float *y, long ldy, long mr,
                                      int nv, int clip, float lo, float hi, float *pre, int stream, int *nonfinite) {
#define PW_CASE(r, v) \
    case r: PW_FN(pw_tile)(x, ldx, w, k, bias, y, ldy, r, v, clip, lo, hi, pre, stream, nonfinite); return;
#if PW_NV > 1
    if (nv == 1) {
        switch (mr) {
#if PW_MR >= 12
        PW_CASE(12, 1) PW_CASE(11, 1) PW_CASE(10, 1) PW_CASE(9, 1) PW_CASE(8, 1) PW_CASE(7, 1)
#endif
#if PW_MR >= 6
        PW_CASE(6, 1) PW_CASE(5, 1) PW_CASE(4, 1)
#endif
        PW_CASE(3, 1) PW_CASE(2, 1)
        default: PW_FN(pw_tile)(x, ldx, w, k, bias, y, ldy, 1, 1, clip, lo, hi, pre, stream, nonfinite); return;
        }
    }
#endif
    switch (mr) {
#if PW_MR >= 12
    PW_CASE(12, PW_NV) PW_CASE(11, PW_NV) PW_CASE(10, PW_NV) PW_CASE(9, PW_NV) PW_CASE(8, PW_NV) PW_CASE(7, PW_NV)
#endif
#if PW_MR >= 6
    PW_CASE(6, PW_NV) PW_CASE(5, PW_NV) PW_CASE(4, PW_NV)
#endif
    PW_CASE(3, PW_NV) PW_CASE(2, PW_NV)
    default: PW_FN(pw_tile)(x, ldx, w, k, bias, y, ldy, 1, PW_NV, clip, lo, hi, pre, stream, nonfinite); return;
    }
#undef PW_CASE
}

/// Rows [m0, m1) x columns [c0, c1) of y: whole tiles straight from x into y; the columns past the
/// last whole tile through a zero-padded panel (copied once, one or PW_NV vectors wide) and a
/// scratch tile. Each row tile does all its columns while its weights are in L1. The kept copy
/// p->pre (if any) gets the values before the clamp. Returns whether it streamed stores to it.
CFM_TARGET static int PW_FN(pw_block)(const cfm_pointwise_problem *p, const float *w, const float *x, const float *bias,
                                      float *y, long m0, long m1, long c0, long c1, int clip, float *scratch) {
    const long k = p->k, n = p->n, cols = 16 * PW_NV;
    float *pre = p->pre;
    // Every whole tile's rows start 64-byte aligned when the copy, n and c0 are.
    const int stream = pre && (p->stream & CFM_STREAM_PRE) && ((uintptr_t)pre & 63) == 0 && (n & 15) == 0 && (c0 & 15) == 0;
    const long whole = c0 + (c1 - c0) / cols * cols, width = c1 - whole;
    const int tail_nv = width > 16 ? PW_NV : 1;
    const long tail_cols = 16 * tail_nv;
    float *panel = scratch, *tile = scratch + k * PW_MAX_COLS;
    if (width > 0) {
        for (long c = 0; c < k; c++) {
            float *d = panel + c * tail_cols;
            memcpy(d, x + c * n + whole, (size_t)width * sizeof(float));
            memset(d + width, 0, (size_t)(tail_cols - width) * sizeof(float));
        }
    }
    for (long m = m0; m < m1; m += PW_MR) {
        long mr = m1 - m < PW_MR ? m1 - m : PW_MR;
        const float *wm = w + m * k, *bm = bias ? bias + m : NULL;
        for (long c = c0; c < whole; c += cols)
            PW_FN(pw_rows)(x + c, n, wm, k, bm, y + m * n + c, n, mr, PW_NV, clip, p->lo, p->hi, pre ? pre + m * n + c : NULL, stream,
                           pre ? NULL : p->nonfinite);
        if (width > 0) {
            const int look = pre || p->nonfinite;
            PW_FN(pw_rows)(panel, tail_cols, wm, k, bm, tile, tail_cols, mr, tail_nv, clip && !look, p->lo, p->hi, NULL, 0, NULL);
            for (long i = 0; i < mr; i++) {
                float *t = tile + i * tail_cols;
                if (look) {
                    if (pre) memcpy(pre + (m + i) * n + whole, t, (size_t)width * sizeof(float));
                    else if (cfm_any_nonfinite_f32(t, width)) cfm_flag_nonfinite(p->nonfinite);
                    // The clamp pw_tile applies in registers, on the copied values.
                    if (clip) {
                        for (long j = 0; j < width; j++) {
                            float v = t[j] < p->lo ? p->lo : t[j];
                            t[j] = v > p->hi ? p->hi : v;
                        }
                    }
                }
                memcpy(y + (m + i) * n + whole, t, (size_t)width * sizeof(float));
            }
        }
    }
    return stream;
}

CFM_TARGET static void PW_FN(pointwise)(const cfm_pointwise_problem *p, const float *w, const float *x, const float *bias, float *y,
                                        long m0, long m1, long n0, long n1, float *scratch) {
    const long n = p->n, cols = 16 * PW_NV;
    // Clip runs on the registers (a kept copy of the values before it is stored from there too);
    // other activations run over each block of columns, whose rows [m0, m1) of y stay in L2
    // (about 256 KiB) till then; with a kept inner value (SiLU's sigmoid), over blocks of whole rows.
    const int clip = p->has_epilogue && p->kind == CFM_EP_CLIP && !p->mid;
    const int after = p->has_epilogue && !clip;
    int streamed = 0;
    if (after && p->mid) {
        // Blocks of whole rows, so that each block's activation is one contiguous span whose
        // copy streams out in one go (one store fence per block, not per row piece).
        long mb = (65536 / n) / PW_MR * PW_MR;
        if (mb < PW_MR) mb = PW_MR;
        for (long r0 = m0; r0 < m1; r0 += mb) {
            long r1 = m1 - r0 < mb ? m1 : r0 + mb;
            streamed |= PW_FN(pw_block)(p, w, x, bias, y, r0, r1, n0, n1, 0, scratch);
            if (n0 == 0 && n1 == n) {
                long at = r0 * n;
                cfm_epilogue(p->kind, p->lo, p->hi, y + at, NULL, p->mid + at, (r1 - r0) * n, p->stream & CFM_STREAM_MID);
            } else {
                for (long m = r0; m < r1; m++) {
                    long at = m * n + n0;
                    cfm_epilogue(p->kind, p->lo, p->hi, y + at, NULL, p->mid + at, n1 - n0, p->stream & CFM_STREAM_MID);
                }
            }
        }
    } else {
        long nb = (65536 / (m1 - m0)) / cols * cols;
        if (nb < cols) nb = cols;
        for (long c0 = n0; c0 < n1; c0 += nb) {
            long c1 = n1 - c0 < nb ? n1 : c0 + nb;
            // A last block narrower than a tile joins this one.
            if (n1 - c1 < cols) c1 = n1;
            streamed |= PW_FN(pw_block)(p, w, x, bias, y, m0, m1, c0, c1, clip, scratch);
            if (after) {
                if (c0 == 0 && c1 == n) {
                    long at = m0 * n;
                    cfm_epilogue(p->kind, p->lo, p->hi, y + at, NULL, NULL, (m1 - m0) * n, 0);
                } else {
                    for (long m = m0; m < m1; m++) cfm_epilogue(p->kind, p->lo, p->hi, y + m * n + c0, NULL, NULL, c1 - c0, 0);
                }
            }
            if (c1 == n1) break;
        }
    }
    // Streaming stores are ordered before the caller signals that this part is done.
    if (streamed) cfm_store_fence();
}

#undef PW_MR
#undef PW_NV
#undef PW_FN
#undef PW_CAT
#undef PW_CAT2

// The depthwise lane path (16 small planes at once, one per vector lane), included by
// depthwise_loops.h once per instruction set; no include guard for the same reason.

/// r[i][k] <-> r[k][i]: four rounds, each swapping the off-diagonal s x s blocks of every 2s x 2s
/// block (s = 8, 4, 2, 1).
CFM_TARGET static inline void DW_FN(dw_transpose16)(dw_vf *r) {
#define DW_SWAP(s, lo, hi)                                                           \
    for (int i = 0; i < 16; i++) {                                                   \
        if (i & s) continue;                                                         \
        dw_vf u = r[i], v = r[i + s];                                                \
        r[i] = __builtin_shufflevector(u, v, lo);                                    \
        r[i + s] = __builtin_shufflevector(u, v, hi);                                \
    }
#define DW_L8 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23
#define DW_H8 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31
#define DW_L4 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27
#define DW_H4 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31
#define DW_L2 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29
#define DW_H2 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31
#define DW_L1 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30
#define DW_H1 1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31
    DW_SWAP(8, DW_L8, DW_H8)
    DW_SWAP(4, DW_L4, DW_H4)
    DW_SWAP(2, DW_L2, DW_H2)
    DW_SWAP(1, DW_L1, DW_H1)
#undef DW_SWAP
#undef DW_L8
#undef DW_H8
#undef DW_L4
#undef DW_H4
#undef DW_L2
#undef DW_H2
#undef DW_L1
#undef DW_H1
}

/// Planes [p, p + 16), plane p + L in lane L: transposed into the padded lane image (its pads
/// stay zero from the start of the call), eight outputs in flight, each a 16-float vector of
/// every tap's weights times the image at that tap, and transposed back out.
CFM_TARGET static void DW_FN(dw_lanes)(const cfm_dw_geometry *g, const dw_layout *l, const float *x, const float *w,
                                       const float *bias, float *y, long p, float *scratch) {
    long taps = g->kh * g->kw, cols = l->pw_cols, total = g->oh * g->ow;
    float *img = scratch + l->lane_at, *out = scratch + l->lane_out, *wt = scratch + l->lane_w;
    const long *off = (const long *)(const void *)(scratch + l->lane_taps);
    long iy0 = 0, iy1 = l->ph_rows - g->ph, ix1 = cols - g->pw;
    if (iy1 > g->ih) iy1 = g->ih;
    if (ix1 > g->iw) ix1 = g->iw;
    long in_plane = g->ih * g->iw;
    const float *xp[16];
    for (long lane = 0; lane < 16; lane++) {
        long q = p + lane, m = q % g->out_channels;
        xp[lane] = x + ((q / g->out_channels) * g->in_channels + m / g->multiplier) * in_plane;
        for (long t = 0; t < taps; t++) wt[t * 16 + lane] = w[m * taps + t];
        wt[taps * 16 + lane] = bias ? bias[m] : 0.0f;
    }
    if (in_plane >= 16) {
        // 16 input positions of every lane per transpose; the last block overlaps its predecessor.
        for (long e = 0;; e += 16) {
            if (e + 16 > in_plane) e = in_plane - 16;
            dw_vf r[16];
            for (int lane = 0; lane < 16; lane++) r[lane] = *(const dw_vf *)(xp[lane] + e);
            DW_FN(dw_transpose16)(r);
            long iy = e / g->iw, ix = e % g->iw;
            for (int k = 0; k < 16; k++) {
                if (iy < iy1 && ix < ix1) *(dw_vf *)(img + ((iy + g->ph) * cols + ix + g->pw) * 16) = r[k];
                if (++ix == g->iw) { ix = 0; iy++; }
            }
            if (e + 16 >= in_plane) break;
        }
    } else {
        for (long lane = 0; lane < 16; lane++) {
            for (long iy = iy0; iy < iy1; iy++) {
                float *d = img + ((iy + g->ph) * cols + g->pw) * 16 + lane;
                for (long ix = 0; ix < ix1; ix++) d[ix * 16] = xp[lane][iy * g->iw + ix];
            }
        }
    }
    dw_vf b = *(const dw_vf *)(wt + taps * 16);
    long sh16 = g->sh * cols * 16, sw16 = g->sw * 16;
    long oy = 0, ox = 0;
    for (long f = 0; f < total; f += 8) {
        // The last block overlaps the one before (recomputing stores the same values); a plane
        // of fewer than 8 outputs repeats its last one.
        long f0 = f;
        if (f + 8 > total) {
            f0 = total >= 8 ? total - 8 : 0;
            oy = f0 / g->ow;
            ox = f0 % g->ow;
        }
        const float *src[8];
        for (int k = 0; k < 8; k++) {
            src[k] = img + oy * sh16 + ox * sw16;
            if (f0 + k + 1 < total && ++ox == g->ow) { ox = 0; oy++; }
        }
        dw_vf a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
        for (long t = 0; t < taps; t++) {
            dw_vf wv = *(const dw_vf *)(wt + t * 16);
            long o = off[t];
            a0 += wv * *(const dw_vf *)(src[0] + o);
            a1 += wv * *(const dw_vf *)(src[1] + o);
            a2 += wv * *(const dw_vf *)(src[2] + o);
            a3 += wv * *(const dw_vf *)(src[3] + o);
            a4 += wv * *(const dw_vf *)(src[4] + o);
            a5 += wv * *(const dw_vf *)(src[5] + o);
            a6 += wv * *(const dw_vf *)(src[6] + o);
            a7 += wv * *(const dw_vf *)(src[7] + o);
        }
        float *d = out + f0 * 16;
        *(dw_vf *)(d + 112) = a7;
        *(dw_vf *)(d + 96) = a6;
        *(dw_vf *)(d + 80) = a5;
        *(dw_vf *)(d + 64) = a4;
        *(dw_vf *)(d + 48) = a3;
        *(dw_vf *)(d + 32) = a2;
        *(dw_vf *)(d + 16) = a1;
        *(dw_vf *)d = a0;
        if (f0 + 8 >= total) break;
    }
    if (total >= 16) {
        for (long o = 0;; o += 16) {
            if (o + 16 > total) o = total - 16;
            dw_vf r[16];
            for (int k = 0; k < 16; k++) r[k] = *(const dw_vf *)(out + (o + k) * 16);
            DW_FN(dw_transpose16)(r);
            for (int lane = 0; lane < 16; lane++) *(dw_vf *)(y + (p + lane) * total + o) = r[lane];
            if (o + 16 >= total) break;
        }
    } else {
        for (long lane = 0; lane < 16; lane++) {
            for (long o = 0; o < total; o++) y[(p + lane) * total + o] = out[o * 16 + lane];
        }
    }
}

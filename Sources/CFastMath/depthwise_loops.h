// The depthwise loops, included once per instruction set by depthwise.c with CFM_TARGET and
// CFM_SUFFIX defined (as loops.h is by fastmath.c).

#define DW_CAT2(a, b) a##_##b
#define DW_CAT(a, b) DW_CAT2(a, b)
#define DW_FN(name) DW_CAT(name, CFM_SUFFIX)

/// d[0, n) = s[0, n), never touching d[n] or s[n]: whole vectors, the last overlapping its
/// predecessor; below 16, two overlapping 8- or 4-float halves.
CFM_TARGET static inline void DW_FN(dw_copy)(float *d, const float *s, long n) {
    if (n >= 16) {
        for (long i = 0;; i += 16) {
            if (i + 16 > n) i = n - 16;
            *(dw_vf *)(d + i) = *(const dw_vf *)(s + i);
            if (i + 16 >= n) break;
        }
    } else if (n >= 8) {
        dw_hf lo = *(const dw_hf *)s, hi = *(const dw_hf *)(s + n - 8);
        *(dw_hf *)d = lo;
        *(dw_hf *)(d + n - 8) = hi;
    } else if (n >= 4) {
        dw_qf lo = *(const dw_qf *)s, hi = *(const dw_qf *)(s + n - 4);
        *(dw_qf *)d = lo;
        *(dw_qf *)(d + n - 4) = hi;
    } else {
        for (long i = 0; i < n; i++) d[i] = s[i];
    }
}

/// d[j] = s[2 * j] for j < n: each vector takes the even lanes of s[2j, 2j + 16) and the odd
/// lanes of s[2j + 15, 2j + 31), so it reads no further than s[2n - 2]; below 16, two
/// overlapping 8- or 4-float halves the same way.
CFM_TARGET static inline void DW_FN(dw_gather2)(float *d, const float *s, long n) {
    if (n < 16) {
        if (n >= 8) {
            const float *t = s + 2 * (n - 8);
            dw_hf a = *(const dw_hf *)s, b = *(const dw_hf *)(s + 7), c = *(const dw_hf *)t, e = *(const dw_hf *)(t + 7);
            *(dw_hf *)d = __builtin_shufflevector(a, b, 0, 2, 4, 6, 9, 11, 13, 15);
            *(dw_hf *)(d + n - 8) = __builtin_shufflevector(c, e, 0, 2, 4, 6, 9, 11, 13, 15);
        } else if (n >= 4) {
            const float *t = s + 2 * (n - 4);
            dw_qf a = *(const dw_qf *)s, b = *(const dw_qf *)(s + 3), c = *(const dw_qf *)t, e = *(const dw_qf *)(t + 3);
            *(dw_qf *)d = __builtin_shufflevector(a, b, 0, 2, 5, 7);
            *(dw_qf *)(d + n - 4) = __builtin_shufflevector(c, e, 0, 2, 5, 7);
        } else {
            for (long j = 0; j < n; j++) d[j] = s[2 * j];
        }
        return;
    }
    for (long j = 0;; j += 16) {
        if (j + 16 > n) j = n - 16;
        dw_vf lo = *(const dw_vf *)(s + 2 * j), hi = *(const dw_vf *)(s + 2 * j + 15);
        *(dw_vf *)(d + j) = __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        if (j + 16 >= n) break;
    }
}

/// Copies input plane xp into the stride phases of `buf`: only the positions inside the image;
/// the rest is the same for every plane and stays zero from the start of the call.
CFM_TARGET static void DW_FN(dw_fill)(const cfm_dw_geometry *g, const dw_layout *l, const float *xp, float *buf) {
    long sh = g->sh, sw = g->sw, wq = l->wq;
    for (long a = 0; a < sh; a++) {
        // Rows i of phase a with 0 <= a - ph + i * sh < ih.
        long top = g->ph - a;
        long i0 = top > 0 ? (top + sh - 1) / sh : 0;
        long i1 = (g->ih + g->ph - a + sh - 1) / sh;
        if (i1 > l->hq) i1 = l->hq;
        for (long b = 0; b < sw; b++) {
            // Columns j of phase b with 0 <= b - pw + j * sw < iw.
            long left = g->pw - b;
            long j0 = left > 0 ? (left + sw - 1) / sw : 0;
            long j1 = (g->iw + g->pw - b + sw - 1) / sw;
            if (j1 > wq) j1 = wq;
            if (j1 <= j0) continue;
            long n = j1 - j0;
            float *d = buf + (a * sw + b) * l->phase + j0;
            const float *s = xp + (b - g->pw + j0 * sw);
            for (long i = i0; i < i1; i++) {
                const float *si = s + (a + i * sh - g->ph) * g->iw;
                float *di = d + i * wq;
                if (sw == 1) {
                    DW_FN(dw_copy)(di, si, n);
                } else if (sw == 2) {
                    DW_FN(dw_gather2)(di, si, n);
                } else {
                    for (long j = 0; j < n; j++) di[j] = si[j * sw];
                }
            }
        }
    }
}

/// One vector of 16 outputs from p (plus each tap's offset), the taps split over four chains.
CFM_TARGET static inline void DW_FN(dw_one)(const float *p, const long *tap_off, const float *w, long taps, float bias,
                                            float *out) {
    dw_vf a0 = DW_SPLAT(bias), a1 = (dw_vf){0}, a2 = (dw_vf){0}, a3 = (dw_vf){0};
    long t = 0;
    for (; t + 4 <= taps; t += 4) {
        a0 += DW_SPLAT(w[t]) * *(const dw_vf *)(p + tap_off[t]);
        a1 += DW_SPLAT(w[t + 1]) * *(const dw_vf *)(p + tap_off[t + 1]);
        a2 += DW_SPLAT(w[t + 2]) * *(const dw_vf *)(p + tap_off[t + 2]);
        a3 += DW_SPLAT(w[t + 3]) * *(const dw_vf *)(p + tap_off[t + 3]);
    }
    for (; t < taps; t++) a0 += DW_SPLAT(w[t]) * *(const dw_vf *)(p + tap_off[t]);
    *(dw_vf *)out = (a0 + a1) + (a2 + a3);
}

/// `items` vectors of 16 outputs: item (r, c) of `chunks` per row reads buf + r * srs + o and
/// writes out + r * drs + o, o = min(16 * c, last) (the last vector of a row overlaps its
/// neighbour rather than storing part of a vector). Four vectors in flight so the FMA chains
/// overlap; every tap accumulates in registers.
CFM_TARGET static void DW_FN(dw_run)(const float *buf, const long *tap_off, const dw_group *groups, int ng,
                                     const float *w, long taps, float bias, float *out, long items, long chunks,
                                     long srs, long drs, long last) {
    dw_vf b = DW_SPLAT(bias);
    long r = 0, c = 0, it = 0;
    for (; it + 4 <= items; it += 4) {
        const float *p[4];
        float *d[4];
        for (int k = 0; k < 4; k++) {
            long o = c * 16 > last ? last : c * 16;
            p[k] = buf + r * srs + o;
            d[k] = out + r * drs + o;
            if (++c == chunks) { c = 0; r++; }
        }
        dw_vf a0 = b, a1 = b, a2 = b, a3 = b;
        if (ng > 0 && p[1] == p[0] + 16 && p[2] == p[0] + 32 && p[3] == p[0] + 48) {
            for (int gi = 0; gi < ng; gi++) {
                const dw_group *gr = groups + gi;
                const float *q = p[0] + gr->off;
                dw_vf v0 = *(const dw_vf *)q, v1 = *(const dw_vf *)(q + 16), v2 = *(const dw_vf *)(q + 32);
                dw_vf v3 = *(const dw_vf *)(q + 48), v4 = *(const dw_vf *)(q + 64);
#define DW_SHIFT(u, v, s) __builtin_shufflevector(u, v, s, s + 1, s + 2, s + 3, s + 4, s + 5, s + 6, s + 7, s + 8, \
                                                  s + 9, s + 10, s + 11, s + 12, s + 13, s + 14, s + 15)
#define DW_TAP(s)                                \
    do {                                         \
        dw_vf wv = DW_SPLAT(w[gr->tap[s]]);      \
        a0 += wv * DW_SHIFT(v0, v1, s);          \
        a1 += wv * DW_SHIFT(v1, v2, s);          \
        a2 += wv * DW_SHIFT(v2, v3, s);          \
        a3 += wv * DW_SHIFT(v3, v4, s);          \
    } while (0)
                switch (gr->n) {
                case 7: DW_TAP(6); // fall through
                case 6: DW_TAP(5); // fall through
                case 5: DW_TAP(4); // fall through
                case 4: DW_TAP(3); // fall through
                case 3: DW_TAP(2); // fall through
                case 2: DW_TAP(1); // fall through
                default: DW_TAP(0);
                }
#undef DW_TAP
#undef DW_SHIFT
            }
        } else {
            for (long t = 0; t < taps; t++) {
                dw_vf wv = DW_SPLAT(w[t]);
                long o = tap_off[t];
                a0 += wv * *(const dw_vf *)(p[0] + o);
                a1 += wv * *(const dw_vf *)(p[1] + o);
                a2 += wv * *(const dw_vf *)(p[2] + o);
                a3 += wv * *(const dw_vf *)(p[3] + o);
            }
        }
        *(dw_vf *)d[0] = a0;
        *(dw_vf *)d[1] = a1;
        *(dw_vf *)d[2] = a2;
        *(dw_vf *)d[3] = a3;
    }
    for (; it < items; it++) {
        long o = c * 16 > last ? last : c * 16;
        DW_FN(dw_one)(buf + r * srs + o, tap_off, w, taps, bias, out + r * drs + o);
        if (++c == chunks) { c = 0; r++; }
    }
}

/// y[oy * ow + ox] = flat[oy * wq + ox]. Narrow rows store a whole vector each, spilling into
/// rows written afterwards (later planes of this call too: `room` floats from y are ours); the
/// rows within 16 floats of the end of that room go one float at a time.
CFM_TARGET static void DW_FN(dw_compact)(const float *flat, float *y, long oh, long ow, long wq, long room) {
    if (ow >= 16) {
        for (long oy = 0; oy < oh; oy++) DW_FN(dw_copy)(y + oy * ow, flat + oy * wq, ow);
        return;
    }
    long oy = 0;
    for (; oy < oh && oy * ow + 16 <= room; oy++) *(dw_vf *)(y + oy * ow) = *(const dw_vf *)(flat + oy * wq);
    for (; oy < oh; oy++) {
        for (long ox = 0; ox < ow; ox++) y[oy * ow + ox] = flat[oy * wq + ox];
    }
}

#include "depthwise_lanes.h"

/// Planes [begin, end) as a pipeline: step s fills the buffer of plane s (when its input plane
/// differs from the one before), computes plane s - 1 and copies plane s - 2 out of its flat
/// output.
CFM_TARGET static void DW_FN(dw_planes)(const cfm_dw_geometry *g, const dw_layout *l, const long *tap_off,
                                        const dw_group *groups, int ng, const float *x, const float *w, const float *bias, float *y,
                                        long begin, long end, float *scratch) {
    long taps = g->kh * g->kw, oh = g->oh, ow = g->ow, wq = l->wq;
    long in_plane = g->ih * g->iw, out_plane = oh * ow;
    long flat_n = oh * wq;
    // Flat output straight into y when it has no pad columns and at least one whole vector.
    int direct = !l->rows && wq == ow && flat_n >= 16;
    if (l->lanes) {
        for (; begin + 16 <= end; begin += 16) DW_FN(dw_lanes)(g, l, x, w, bias, y, begin, scratch);
    }
    long last_input = -1;
    int slot = 1, slot_of[2] = {0, 0};
    for (long s = begin; s < end + 2; s++) {
        if (s < end) {
            long input = (s / g->out_channels) * g->in_channels + (s % g->out_channels) / g->multiplier;
            if (input != last_input) {
                slot ^= 1;
                DW_FN(dw_fill)(g, l, x + input * in_plane, scratch + slot * l->buf);
                last_input = input;
            }
            slot_of[s & 1] = slot;
        }
        long p = s - 1;
        if (p >= begin && p < end) {
            long m = p % g->out_channels;
            const float *buf = scratch + slot_of[p & 1] * l->buf, *wm = w + m * taps;
            float bm = bias ? bias[m] : 0.0f, *yp = y + p * out_plane;
            if (l->rows) {
                long chunks = ow / 16;
                DW_FN(dw_run)(buf, tap_off, groups, ng, wm, taps, bm, yp, oh * chunks, chunks, wq, ow, ow - 16);
            } else {
                long items = (flat_n + 15) / 16;
                long last = flat_n >= 16 ? flat_n - 16 : 0;
                float *flat = scratch + l->flat_at + (p & 1) * l->flat;
                DW_FN(dw_run)(buf, tap_off, groups, ng, wm, taps, bm, direct ? yp : flat, items, items, 0, 0, last);
            }
        }
        p = s - 2;
        if (p >= begin && !l->rows && !direct) {
            DW_FN(dw_compact)(scratch + l->flat_at + (p & 1) * l->flat, y + p * out_plane, oh, ow, wq,
                              (end - p) * out_plane);
        }
    }
}

#undef DW_FN
#undef DW_CAT
#undef DW_CAT2

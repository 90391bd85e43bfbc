// The depthwise row kernel, included once per instruction set by depthwise.c with CFM_TARGET and
// CFM_SUFFIX defined (as loops.h is by fastmath.c).

#define DW_CAT2(a, b) a##_##b
#define DW_CAT(a, b) DW_CAT2(a, b)
#define DW_FN(name) DW_CAT(name, CFM_SUFFIX)

/// One output plane from the padded, phase-split input `buf` (row stride `rs`): 16 output columns
/// per vector, four vectors in flight (so the FMA chains of different rows overlap), every tap
/// accumulated in registers.
CFM_TARGET static void DW_FN(dw_plane)(const float *buf, long rs, const long *tap_off, const float *w, long taps,
                                       float bias, float *y, long oh, long ow, long sh) {
    long chunks = (ow + 15) / 16;
    long items = oh * chunks;
    dw_vf b = (dw_vf){0} + bias;
    long it = 0;
    for (; it + 4 <= items; it += 4) {
        const float *p[4];
        float *d[4];
        long cnt[4];
        for (int a = 0; a < 4; a++) {
            long i = it + a, oy = i / chunks, j0 = (i % chunks) * 16;
            p[a] = buf + oy * sh * rs + j0;
            d[a] = y + oy * ow + j0;
            cnt[a] = ow - j0 < 16 ? ow - j0 : 16;
        }
        dw_vf a0 = b, a1 = b, a2 = b, a3 = b;
        for (long t = 0; t < taps; t++) {
            dw_vf wv = (dw_vf){0} + w[t];
            long o = tap_off[t];
            a0 += wv * *(const dw_vf *)(p[0] + o);
            a1 += wv * *(const dw_vf *)(p[1] + o);
            a2 += wv * *(const dw_vf *)(p[2] + o);
            a3 += wv * *(const dw_vf *)(p[3] + o);
        }
        dw_store(d[0], a0, cnt[0]);
        dw_store(d[1], a1, cnt[1]);
        dw_store(d[2], a2, cnt[2]);
        dw_store(d[3], a3, cnt[3]);
    }
    for (; it < items; it++) {
        long oy = it / chunks, j0 = (it % chunks) * 16;
        const float *p = buf + oy * sh * rs + j0;
        dw_vf a0 = b;
        for (long t = 0; t < taps; t++) a0 += ((dw_vf){0} + w[t]) * *(const dw_vf *)(p + tap_off[t]);
        dw_store(y + oy * ow + j0, a0, ow - j0 < 16 ? ow - j0 : 16);
    }
}

/// Planes [begin, end): pad each input plane once (split into stride phases), then run the rows.
CFM_TARGET static void DW_FN(dw_planes)(const cfm_dw_geometry *g, const dw_layout *l, const long *tap_off,
                                        const float *x, const float *w, const float *bias, float *y,
                                        long begin, long end, float *buf) {
    long taps = g->kh * g->kw;
    long in_plane = g->ih * g->iw, out_plane = g->oh * g->ow;
    long last_input = -1;
    for (long plane = begin; plane < end; plane++) {
        long n = plane / g->out_channels, m = plane % g->out_channels;
        long input = n * g->in_channels + m / g->multiplier;
        if (input != last_input) {
            memset(buf, 0, (size_t)(l->pad_h * l->rs) * sizeof(float));
            const float *xp = x + input * in_plane;
            for (long r = 0; r < l->pad_h; r++) {
                long iy = r - g->ph;
                if (iy < 0 || iy >= g->ih) continue;
                const float *src = xp + iy * g->iw;
                float *row = buf + r * l->rs;
                // Padded column c = ix + pw = q * sw + phase holds input column ix.
                for (long phase = 0; phase < g->sw; phase++) {
                    float *dst = row + phase * l->wq;
                    // q with 0 <= q * sw + phase - pw < iw, and q < wq.
                    long first = g->pw - phase;
                    long q0 = first > 0 ? (first + g->sw - 1) / g->sw : 0;
                    long q1 = (g->iw + g->pw - phase + g->sw - 1) / g->sw;
                    if (q1 > l->wq) q1 = l->wq;
                    const float *s0 = src + phase - g->pw;
                    if (g->sw == 1) {
                        if (q1 > q0) memcpy(dst + q0, s0 + q0, (size_t)(q1 - q0) * sizeof(float));
                    } else if (g->sw == 2) {
                        for (long q = q0; q < q1; q++) dst[q] = s0[q * 2];
                    } else {
                        for (long q = q0; q < q1; q++) dst[q] = s0[q * g->sw];
                    }
                }
            }
            last_input = input;
        }
        DW_FN(dw_plane)(buf, l->rs, tap_off, w + m * taps, taps, bias ? bias[m] : 0.0f, y + plane * out_plane,
                        g->oh, g->ow, g->sh);
    }
}

#undef DW_FN
#undef DW_CAT
#undef DW_CAT2

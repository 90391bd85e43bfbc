// im2col's row copy, included once per instruction set by im2col.c (CFM_TARGET, CFM_SUFFIX).

#define IM_CAT2(a, b) a##_##b
#define IM_CAT(a, b) IM_CAT2(a, b)
#define IM_FN(name) IM_CAT(name, CFM_SUFFIX)

CFM_TARGET static void IM_FN(im2col)(const cfm_window2d *g, const float *x, long channels, float *col) {
    long plane = g->oh * g->ow, in_plane = g->ih * g->iw;
    float *row = col;
    for (long c = 0; c < channels; c++) {
        const float *xc = x + c * in_plane;
        for (long ky = 0; ky < g->kh; ky++) {
            long ylo, yhi;
            im_valid(g->oh, g->ih, g->sh, ky * g->dh - g->ph, &ylo, &yhi);
            for (long kx = 0; kx < g->kw; kx++) {
                long xlo, xhi, base = kx * g->dw - g->pw;
                im_valid(g->ow, g->iw, g->sw, base, &xlo, &xhi);
                if (yhi <= ylo || xhi <= xlo) {
                    memset(row, 0, (size_t)plane * sizeof(float));
                    row += plane;
                    continue;
                }
                if (ylo > 0) memset(row, 0, (size_t)(ylo * g->ow) * sizeof(float));
                long n = xhi - xlo;
                for (long oy = ylo; oy < yhi; oy++) {
                    float *d = row + oy * g->ow;
                    const float *s = xc + (oy * g->sh + ky * g->dh - g->ph) * g->iw + xlo * g->sw + base;
                    for (long j = 0; j < xlo; j++) d[j] = 0;
                    d += xlo;
                    if (g->sw == 1) {
                        for (long j = 0; j < n; j++) d[j] = s[j];
                    } else if (g->sw == 2) {
                        for (long j = 0; j < n; j++) d[j] = s[2 * j];
                    } else {
                        for (long j = 0; j < n; j++) d[j] = s[j * g->sw];
                    }
                    for (long j = n; j < g->ow - xlo; j++) d[j] = 0;
                }
                if (yhi < g->oh) memset(row + yhi * g->ow, 0, (size_t)((g->oh - yhi) * g->ow) * sizeof(float));
                row += plane;
            }
        }
    }
}

#undef IM_FN
#undef IM_CAT
#undef IM_CAT2

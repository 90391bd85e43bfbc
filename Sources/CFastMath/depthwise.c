// Depthwise convolution (MobileNet, EfficientNet, ConvNeXt): each output plane is a sum of shifted,
// scaled copies of one input plane. The plane is first copied into a zero-padded buffer, split
// into `sw` column phases so that every tap of a strided window reads contiguous memory; then the
// row kernel keeps all taps of 16 outputs in one vector register.
#include "CFastMath.h"
#include <string.h>

/// 16 floats; aligned(4) makes every load and store an unaligned one.
typedef float dw_vf __attribute__((vector_size(64), aligned(4)));

/// Stores the first n lanes of v (a macro: a vector passed by value to a function compiled for
/// another instruction set would change the calling convention).
#define dw_store(d, v, n) do {                                   \
        float *dw_d = (d);                                       \
        long dw_n = (n);                                         \
        if (dw_n == 16) {                                        \
            *(dw_vf *)dw_d = (v);                                \
        } else {                                                 \
            float dw_t[16];                                      \
            dw_vf dw_v = (v);                                    \
            memcpy(dw_t, &dw_v, sizeof dw_t);                    \
            memcpy(dw_d, dw_t, (size_t)dw_n * sizeof(float));    \
        }                                                        \
    } while (0)

/// Layout of the padded buffer: padH rows of sw phases of wq floats. Column c of the padded image
/// (c = q * sw + phase) lives at [row][phase][q].
typedef struct { long pad_h, wq, rs; } dw_layout;

static dw_layout dw_layout_of(const cfm_dw_geometry *g) {
    dw_layout l;
    long chunks = (g->ow + 15) / 16;
    l.pad_h = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
    // The last vector of a row reads 16 columns from its start plus the widest tap shift.
    long wq = chunks * 16 + ((g->kw - 1) * g->dw) / g->sw;
    l.wq = (wq + 15) & ~15L;
    l.rs = g->sw * l.wq;
    return l;
}

#define CFM_LOOPS "depthwise_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

long cfm_depthwise_scratch(const cfm_dw_geometry *g) {
    if (g->oh <= 0 || g->ow <= 0) return 0;
    dw_layout l = dw_layout_of(g);
    return l.pad_h * l.rs + g->kh * g->kw * 2;
}

void cfm_depthwise(const cfm_dw_geometry *g, const float *x, const float *w, const float *bias, float *y,
                   long begin, long end, float *scratch) {
    if (g->oh <= 0 || g->ow <= 0 || begin >= end) return;
    dw_layout l = dw_layout_of(g);
    // Tap offsets live after the buffer (2 floats' worth per long).
    long *tap_off = (long *)(void *)(scratch + l.pad_h * l.rs);
    for (long ky = 0; ky < g->kh; ky++) {
        for (long kx = 0; kx < g->kw; kx++) {
            long col = kx * g->dw;
            tap_off[ky * g->kw + kx] = ky * g->dh * l.rs + (col % g->sw) * l.wq + col / g->sw;
        }
    }
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: dw_planes_avx512(g, &l, tap_off, x, w, bias, y, begin, end, scratch); break;
    case 1: dw_planes_avx2(g, &l, tap_off, x, w, bias, y, begin, end, scratch); break;
#endif
    default: dw_planes_base(g, &l, tap_off, x, w, bias, y, begin, end, scratch); break;
    }
}

// Depthwise convolution row by row for common windows (3x3 and 5x5, stride 1 or 2, no
// dilation, output rows of at least 16): each input row is copied once, zero-padded, into a small
// ring of rows that stays in L1 (filled one step ahead of its use, so loads never wait on the
// copy's stores); each output vector of 16 is then K * K multiply-adds of contiguous loads from
// those rows (stride 2: the even or odd lanes of 32 floats) with the weights in registers, two
// output rows at a time sharing their input rows. The general kernel (depthwise.c) pads whole
// planes into stride phases first; this one measured 1.2-2.2x faster on stride-2 windows and on
// 3x3 rows of 40 or more.
#include "CFastMath.h"
#include <string.h>

/// 16 floats; aligned(4) makes every load and store an unaligned one.
typedef float dr_vf __attribute__((ext_vector_type(16), aligned(4)));

/// Ring and scratch layout (offsets in floats): K + 3S ring rows of `row` floats (the rows of two
/// output rows' windows and of the next two's, filled a step ahead), then one zero row. A ring
/// row is the input row zero-padded to `padded` columns: output column ox reads p[ox * S + kx].
typedef struct {
    long k, s, padded, row, slots, zero_at, total;
} dr_layout;

static long dr_round16(long n) { return (n + 15) & ~15L; }

static dr_layout dr_layout_of(const cfm_dw_geometry *g) {
    dr_layout l;
    l.k = g->kh;
    l.s = g->sh;
    // Stride 1 reads p[j + kx .. + 16); stride 2 reads the 32 floats from p[2j + (kx & ~1)].
    l.padded = l.s == 1 ? g->ow + l.k - 1 : 2 * g->ow + l.k - 1;
    l.row = dr_round16(l.padded);
    l.slots = l.k + 3 * l.s;
    l.zero_at = l.slots * l.row;
    l.total = l.zero_at + l.row;
    return l;
}

/// Stride 2 measured faster here for 3x3 and 5x5 windows (1.2-2.2x on 112 to 28 wide planes);
/// stride 1 only for 3x3 rows of 40 or more (narrower rows and 5x5 windows ran faster through
/// the general kernel's stride-phase planes).
int cfm_depthwise_rows_fit(const cfm_dw_geometry *g) {
    int shape = g->kh == g->kw && (g->kh == 3 || g->kh == 5) && g->sh == g->sw && (g->sh == 1 || g->sh == 2) &&
                g->dh == 1 && g->dw == 1 && g->ow >= 16 && g->oh >= 1 && g->ph >= 0 && g->pw >= 0 && g->ph < g->kh &&
                g->pw < g->kw && g->ih >= 1 && g->iw >= 1;
    return shape && (g->sh == 2 || (g->kh == 3 && g->ow >= 40));
}

long cfm_depthwise_rows_scratch(const cfm_dw_geometry *g) { return dr_layout_of(g).total; }

#define CFM_LOOPS "depthwise_rows_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

void cfm_depthwise_rows(const cfm_dw_geometry *g, const float *x, const float *w, const float *bias, float *y, long begin, long end,
                        float *scratch) {
    if (begin >= end) return;
    dr_layout l = dr_layout_of(g);
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: dr_planes_avx512(g, &l, x, w, bias, y, begin, end, scratch); return;
    case 1: dr_planes_avx2(g, &l, x, w, bias, y, begin, end, scratch); return;
#endif
    default: dr_planes_base(g, &l, x, w, bias, y, begin, end, scratch); return;
    }
}

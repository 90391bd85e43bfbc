// Depthwise convolution (MobileNet, EfficientNet, ConvNeXt): each output plane is a sum of shifted,
// scaled copies of one input plane. The plane is first copied into a zero-padded buffer split into
// sh x sw stride phases, each a dense grid of rows wq = ow + (reach of the taps) wide, so that
// output (oy, ox) at flat index oy * wq + ox reads, for every tap, one phase at flat index plus a
// constant: 16-float vectors then run across row ends with every lane busy (a 7x7 plane uses 63 of
// 64 lanes instead of 7 of 16), and all taps of a vector accumulate in one register. Groups of
// 16 small planes instead go one plane per lane (transposed in and out), so no lane computes a pad
// column at all.
#include "CFastMath.h"
#include <string.h>

/// 16 floats; aligned(4) makes every load and store an unaligned one.
typedef float dw_vf __attribute__((vector_size(64), aligned(4)));

/// 8 and 4 floats, for exact copies of spans shorter than 16.
typedef float dw_hf __attribute__((vector_size(32), aligned(4)));
typedef float dw_qf __attribute__((vector_size(16), aligned(4)));

/// v in every lane (`(dw_vf){0} + v` costs a scalar add: 0 + -0 is +0, so it cannot fold).
#define DW_SPLAT(v) ((dw_vf){(v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v), (v)})

/// Scratch layout (offsets in floats): two plane buffers `buf` apart, two flat outputs `flat`
/// apart from flat_at, then the tap offsets. Phase (a, b) of a plane buffer holds padded rows
/// a + i * sh, columns b + j * sw at [(a * sw + b) * phase + i * wq + j], i < hq, j < wq; after
/// the phases `slack` floats, zeroed (vectors of the last phase read a little past it). A flat
/// output holds oh * wq floats (at least 16) and 16 more that whole-vector copies out read.
/// Two of each let plane p + 1 be filled and p - 1 copied out while plane p is computed, so no
/// load waits for the stores just before it.
///
/// Small planes (`lanes`) go 16 at a time, one plane per vector lane, through a padded image of
/// ph_rows x pw_cols positions of 16 floats at lane_at (no pad column costs a lane), then
/// 16-float outputs, the weights and biases as 16-float vectors, and the tap offsets.
typedef struct {
    long hq, wq, phase, slack, buf, flat, flat_at, taps_at;
    long ph_rows, pw_cols, lane_at, lane_out, lane_w, lane_taps, total;
    int rows;   // 1: run row by row straight into y (no lanes wasted when ow is a multiple of 16)
    int lanes;  // 1: groups of 16 planes go through the lane layout
} dw_layout;

/// Taps of one kernel row in one column phase with dw = 1: n of them at offsets off, off + 1, ...
/// (weights tap[0..n)), so four consecutive output vectors need five loads and in-register shifts
/// instead of 4n loads that each straddle two cache lines.
typedef struct { long off; int n; int tap[7]; } dw_group;
enum { DW_MAX_GROUPS = 32 };

#ifndef DW_LANE_PLANE
/// Largest output plane taking the lane layout (at 28 x 28 its 16-plane image and outputs no
/// longer stay in cache, and it measured slower than the flat layout).
#define DW_LANE_PLANE 256
#endif

static long dw_round16(long n) { return (n + 15) & ~15L; }

static dw_layout dw_layout_of(const cfm_dw_geometry *g) {
    dw_layout l;
    long kdh = ((g->kh - 1) * g->dh) / g->sh, kdw = ((g->kw - 1) * g->dw) / g->sw;
    l.hq = g->oh + kdh;
    l.wq = g->ow + kdw;
    l.phase = l.hq * l.wq;
    l.slack = dw_round16(kdw + 32);  // + 16 for the fifth vector of a tap group
    l.buf = dw_round16(g->sh * g->sw * l.phase) + l.slack;
    long flat = g->oh * l.wq;
    l.flat = dw_round16(flat > 16 ? flat : 16) + 16;
    l.flat_at = 2 * l.buf;
    l.taps_at = l.flat_at + 2 * l.flat;
    long taps = g->kh * g->kw;
    l.ph_rows = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
    l.pw_cols = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1;
    // Lanes pay two transposes per plane to save the flat layout's pad columns (wq - ow of every
    // wq lanes): worth it for narrow planes or wide windows (measured on MobileNet/EfficientNet:
    // 3x3 windows on 14 x 14 planes stay flat). A huge dilation would make the image huge.
    l.lanes = g->ow < 16 && g->oh * g->ow <= DW_LANE_PLANE && (g->ow <= 8 || taps >= 25) &&
              l.ph_rows * l.pw_cols <= 16 * DW_LANE_PLANE;
    l.lane_at = l.taps_at + dw_round16(2 * taps);
    l.lane_out = l.lane_at + (l.lanes ? 16 * l.ph_rows * l.pw_cols : 0);
    long outs = g->oh * g->ow;
    l.lane_w = l.lane_out + (l.lanes ? 16 * (outs > 8 ? outs : 8) : 0);  // blocks of 8 outputs
    l.lane_taps = l.lane_w + (l.lanes ? 16 * (taps + 1) : 0);
    l.total = l.lane_taps + (l.lanes ? 2 * taps : 0);
    // Flat vectors spend wq - ow of every wq lanes on pad columns plus a copy out; rows of a
    // multiple of 16 waste nothing and write y directly.
    l.rows = g->ow % 16 == 0;
    return l;
}

#define CFM_LOOPS "depthwise_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

// The row kernel for common windows (depthwise_rows.c).
int cfm_depthwise_rows_fit(const cfm_dw_geometry *g);
long cfm_depthwise_rows_scratch(const cfm_dw_geometry *g);
void cfm_depthwise_rows(const cfm_dw_geometry *g, const float *x, const float *w, const float *bias, float *y, long begin, long end,
                        float *scratch);

long cfm_depthwise_scratch(const cfm_dw_geometry *g) {
    if (g->oh <= 0 || g->ow <= 0) return 0;
    if (cfm_depthwise_rows_fit(g)) return cfm_depthwise_rows_scratch(g);
    return dw_layout_of(g).total;
}

void cfm_depthwise(const cfm_dw_geometry *g, const float *x, const float *w, const float *bias, float *y,
                   long begin, long end, float *scratch) {
    if (g->oh <= 0 || g->ow <= 0 || begin >= end) return;
    if (cfm_depthwise_rows_fit(g)) {
        cfm_depthwise_rows(g, x, w, bias, y, begin, end, scratch);
        return;
    }
    dw_layout l = dw_layout_of(g);
    // Pads and slack are zero for the whole call: fills write only the image's positions (a
    // second buffer only when a second input plane comes).
    memset(scratch, 0, (size_t)(end - begin > 1 ? 2 * l.buf : l.buf) * sizeof(float));
    long *tap_off = (long *)(void *)(scratch + l.taps_at);
    for (long ky = 0; ky < g->kh; ky++) {
        for (long kx = 0; kx < g->kw; kx++) {
            long row = ky * g->dh, col = kx * g->dw;
            long phase = (row % g->sh) * g->sw + col % g->sw;
            tap_off[ky * g->kw + kx] = phase * l.phase + (row / g->sh) * l.wq + col / g->sw;
        }
    }
    if (l.lanes && end - begin >= 16) {
        long *lane_off = (long *)(void *)(scratch + l.lane_taps);
        for (long ky = 0; ky < g->kh; ky++) {
            for (long kx = 0; kx < g->kw; kx++) lane_off[ky * g->kw + kx] = 16 * (ky * g->dh * l.pw_cols + kx * g->dw);
        }
        memset(scratch + l.lane_at, 0, (size_t)(l.lane_out - l.lane_at) * sizeof(float));
    }
    dw_group groups[DW_MAX_GROUPS];
    int ng = 0;
    long phases = g->sw < g->kw ? g->sw : g->kw;
    if (g->dw == 1 && g->kh * phases <= DW_MAX_GROUPS && g->kw <= 7 * g->sw) {
        for (long ky = 0; ky < g->kh; ky++) {
            for (long b = 0; b < phases; b++) {
                dw_group *gr = groups + ng++;
                gr->off = tap_off[ky * g->kw + b];
                gr->n = 0;
                for (long kx = b; kx < g->kw; kx += g->sw) gr->tap[gr->n++] = (int)(ky * g->kw + kx);
            }
        }
    }
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: dw_planes_avx512(g, &l, tap_off, groups, ng, x, w, bias, y, begin, end, scratch); break;
    case 1: dw_planes_avx2(g, &l, tap_off, groups, ng, x, w, bias, y, begin, end, scratch); break;
#endif
    default: dw_planes_base(g, &l, tap_off, groups, ng, x, w, bias, y, begin, end, scratch); break;
    }
}

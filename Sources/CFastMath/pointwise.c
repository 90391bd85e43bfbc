// Pointwise (1x1, unit stride) convolution as a register-tiled product y = W x + b: W is the
// [M, K] weight matrix, x the [K, N] input planes, y the [M, N] output planes. Each tile of MR
// output channels by 16 * NV pixels accumulates over all K input channels in registers, starting
// from the bias, and is stored once; the fused activation then runs over each block of columns
// while it is in cache. The GEMM path it replaces filled y with the bias, read it back in the
// GEMM (beta = 1) and ran the activation as one more pass: three passes over an output that
// MobileNet's expand layers (K = 16 to 160) produce in about the time of those passes.
#include "CFastMath.h"
#include <string.h>

/// Register tiles per instruction set: rows (output channels) x vectors of 16 columns, sized so
/// the accumulators plus the column vectors fit the register file (32 zmm, 16 ymm, 16 xmm).
#define PW_MR_avx512 12
#define PW_NV_avx512 2
#define PW_MR_avx2 6
#define PW_NV_avx2 1
#define PW_MR_base 3
#define PW_NV_base 1

/// Widest tile: the tail panel (columns past the last whole tile, zero-padded) and its output.
#define PW_MAX_MR 12
#define PW_MAX_COLS 32

#define CFM_LOOPS "pointwise_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

long cfm_pointwise_scratch(long k) { return (k > 0 ? k : 1) * PW_MAX_COLS + PW_MAX_MR * PW_MAX_COLS; }

void cfm_pointwise(const cfm_pointwise_problem *p, const float *w, const float *x, const float *bias, float *y,
                   long m0, long m1, long n0, long n1, float *scratch) {
    if (m1 <= m0 || n1 <= n0 || p->k <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: pointwise_avx512(p, w, x, bias, y, m0, m1, n0, n1, scratch); return;
    case 1: pointwise_avx2(p, w, x, bias, y, m0, m1, n0, n1, scratch); return;
#endif
    default: pointwise_base(p, w, x, bias, y, m0, m1, n0, n1, scratch); return;
    }
}

long cfm_pointwise_tile_columns(void) {
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: return 16 * PW_NV_avx512;
    case 1: return 16 * PW_NV_avx2;
#endif
    default: return 16 * PW_NV_base;
    }
}

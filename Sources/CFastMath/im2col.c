// im2col for the GEMM convolution path: strided and narrow rows copied by vector loops (the Swift
// build targets baseline x86-64, so its copies were scalar for rows under 32 floats and strides).
#include "CFastMath.h"
#include <string.h>

/// Output positions o in [lo, hi) whose input o * s + base lies in [0, in).
static inline void im_valid(long out, long in, long s, long base, long *lo, long *hi) {
    long l = base >= 0 ? 0 : (-base + s - 1) / s;
    long top = in - 1 - base;
    long h = top < 0 ? 0 : top / s + 1;
    if (h > out) h = out;
    if (l > out) l = out;
    if (h < l) h = l;
    *lo = l;
    *hi = h;
}

#define CFM_LOOPS "im2col_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

void cfm_im2col2d(const cfm_window2d *g, const float *x, long channels, float *col) {
    if (channels <= 0 || g->oh <= 0 || g->ow <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: im2col_avx512(g, x, channels, col); return;
    case 1: im2col_avx2(g, x, channels, col); return;
#endif
    default: im2col_base(g, x, channels, col); return;
    }
}

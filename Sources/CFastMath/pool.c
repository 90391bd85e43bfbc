// 2-D max and sum pooling of float32 planes (MaxPool, AveragePool without indices or dilation):
// each output row from one scratch row in cache, vectorised, instead of the generic separable
// engine's two passes through scratch planes with strided scalar loads.
#include "CFastMath.h"

#define CFM_LOOPS "pool_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

long cfm_pool2d_scratch(const cfm_pool2d_geometry *g) {
    // The padded row t, then its even and odd halves (see pool_loops.h).
    long len = (g->ow - 1) * g->sw + g->kw;
    if (len < g->pw + g->iw) len = g->pw + g->iw;
    return 2 * ((len + 31) & ~31L);
}

void cfm_pool2d(const cfm_pool2d_geometry *g, int sum, const float *x, float *y, long planes, float *scratch) {
    if (planes <= 0 || g->oh <= 0 || g->ow <= 0 || g->ih <= 0 || g->iw <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: pool2d_avx512(g, sum, x, y, planes, scratch); break;
    case 1: pool2d_avx2(g, sum, x, y, planes, scratch); break;
#endif
    default: pool2d_base(g, sum, x, y, planes, scratch); break;
    }
}

// Activations applied to a convolution's output while it is still in cache (a fused Conv+Relu,
// Conv+Clip, Conv+HardSwish or Conv+Sigmoid+Mul), instead of a separate pass over memory per node.
// Each formula is written exactly as the unfused kernel computes it, so fused and unfused runs give
// the same bits.
#include "CFastMath.h"

#define CFM_LOOPS "epilogue_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

void cfm_epilogue(cfm_epilogue_kind kind, float lo, float hi, float *y, float *pre, float *mid, long n, int stream) {
    if (n <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: epilogue_avx512(kind, lo, hi, y, pre, mid, n, stream); return;
    case 1: epilogue_avx2(kind, lo, hi, y, pre, mid, n, stream); return;
#endif
    default: epilogue_base(kind, lo, hi, y, pre, mid, n, stream); return;
    }
}

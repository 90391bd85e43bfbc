// Row sums for ReduceSum/ReduceMean/ReduceSumSquare/ReduceL2 over trailing axes (a mean over H and
// W in squeeze-excitation blocks): float rows accumulated in double, vectorised.
#include "CFastMath.h"

#define CFM_LOOPS "reduce_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

void cfm_row_sums(const float *x, long rows, long n, int square, double *out) {
    if (rows <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: row_sums_avx512(x, rows, n, square, out); return;
    case 1: row_sums_avx2(x, rows, n, square, out); return;
#endif
    default: row_sums_base(x, rows, n, square, out); return;
    }
}

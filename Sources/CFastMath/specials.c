// Whether a float32/float64 array holds a NaN or an infinity: the debugger asks it of every output
// of every node it observes, so it runs at the widest vector width rather than Swift's baseline SSE2.
#include "CFastMath.h"

#define CFM_LOOPS "specials_loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

int cfm_any_nonfinite_f32(const float *x, long n) {
    if (n <= 0) return 0;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: return any_nonfinite_f32_avx512((const uint32_t *)x, n);
    case 1: return any_nonfinite_f32_avx2((const uint32_t *)x, n);
#endif
    default: return any_nonfinite_f32_base((const uint32_t *)x, n);
    }
}

int cfm_any_nonfinite_f64(const double *x, long n) {
    if (n <= 0) return 0;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: return any_nonfinite_f64_avx512((const uint64_t *)x, n);
    case 1: return any_nonfinite_f64_avx2((const uint64_t *)x, n);
#endif
    default: return any_nonfinite_f64_base((const uint64_t *)x, n);
    }
}

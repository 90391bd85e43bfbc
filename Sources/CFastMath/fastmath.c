#include "CFastMath.h"
#include <math.h>

// sqrtf sets errno for negative input, which keeps clang from vectorising it.
#if __has_builtin(__builtin_elementwise_sqrt)
#define cfm_sqrt(x) __builtin_elementwise_sqrt(x)
#else
#define cfm_sqrt(x) __builtin_sqrtf(x)
#endif

// Every loop is compiled three times (multiversion.h).
#define CFM_LOOPS "loops.h"
#include "multiversion.h"
#undef CFM_LOOPS

static int cfm_cap = 2;

static int cfm_cpu_level(void) {
#ifdef CFM_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

int cfm_level(void) {
    int l = cfm_cpu_level();
    int cap = __atomic_load_n(&cfm_cap, __ATOMIC_RELAXED);
    return l < cap ? l : cap;
}

void cfm_force_level(int level) { __atomic_store_n(&cfm_cap, level, __ATOMIC_RELAXED); }

void cfm_map(cfm_op op, const float *src, float *dst, long n, float a, float b) {
    if (n <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: map_avx512(op, src, dst, n, a, b); return;
    case 1: map_avx2(op, src, dst, n, a, b); return;
#endif
    default: map_base(op, src, dst, n, a, b); return;
    }
}

void cfm_softmax_rows(const float *src, float *dst, long rows, long n, int logarithm) {
    if (rows <= 0 || n <= 0) return;
    switch (cfm_level()) {
#ifdef CFM_X86
    case 2: softmax_avx512(src, dst, rows, n, logarithm); return;
    case 1: softmax_avx2(src, dst, rows, n, logarithm); return;
#endif
    default: softmax_base(src, dst, rows, n, logarithm); return;
    }
}

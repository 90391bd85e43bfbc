// Includes the loop template named by CFM_LOOPS once per instruction set, with CFM_TARGET (the
// function attribute) and CFM_SUFFIX (the name suffix: base, avx2, avx512) defined around it.
// cfm_level() picks the widest the CPU and OS support at run time, so the binary still runs on a
// baseline x86-64 (SSE2) CPU. Defines CFM_X86 when the AVX2 and AVX-512 variants exist.
// No include guard: each .c file includes it once for its own template.

#define CFM_TARGET
#define CFM_SUFFIX base
#include CFM_LOOPS
#undef CFM_TARGET
#undef CFM_SUFFIX

#if defined(__x86_64__) && defined(__clang__)
#ifndef CFM_X86
#define CFM_X86 1
#endif
#define CFM_TARGET __attribute__((target("avx2,fma")))
#define CFM_SUFFIX avx2
#include CFM_LOOPS
#undef CFM_TARGET
#undef CFM_SUFFIX

#define CFM_TARGET __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"), min_vector_width(512)))
#define CFM_SUFFIX avx512
#include CFM_LOOPS
#undef CFM_TARGET
#undef CFM_SUFFIX
#endif

// Loop bodies of specials.c, included once per instruction set (no include guard on purpose).
#define SP_CAT2(a, b) a##_##b
#define SP_CAT(a, b) SP_CAT2(a, b)
#define SP_FN(name) SP_CAT(name, CFM_SUFFIX)

// Branch-free over the raw bits: exponent + 1 reaches the next power of two only for an all-ones
// exponent (NaN or infinity), so one OR over the array answers. Blocks of 4096 end early once found.
CFM_TARGET static int SP_FN(any_nonfinite_f32)(const uint32_t *restrict x, long n) {
    for (long b = 0; b < n; b += 4096) {
        long e = n - b < 4096 ? n : b + 4096;
        uint32_t acc = 0;
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (long i = b; i < e; i++) acc |= ((x[i] >> 23) & 0xFFu) + 1u;
        if (acc & 0x100u) return 1;
    }
    return 0;
}

CFM_TARGET static int SP_FN(any_nonfinite_f64)(const uint64_t *restrict x, long n) {
    for (long b = 0; b < n; b += 2048) {
        long e = n - b < 2048 ? n : b + 2048;
        uint64_t acc = 0;
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (long i = b; i < e; i++) acc |= ((x[i] >> 52) & 0x7FFu) + 1u;
        if (acc & 0x800u) return 1;
    }
    return 0;
}

#undef SP_FN
#undef SP_CAT
#undef SP_CAT2

// Loop bodies of reduce.c, included once per instruction set (no include guard on purpose).
#define RS_NAME2(a, b) a##_##b
#define RS_NAME(a, b) RS_NAME2(a, b)

// Sums (or sums of squares) of `rows` contiguous rows of n floats, accumulated in double (8
// double lanes per vector, 4 vectors in flight): ReduceMean/ReduceSum over H and W.
CFM_TARGET static void RS_NAME(row_sums, CFM_SUFFIX)(const float *restrict x, long rows, long n, int square,
                                                     double *restrict out) {
    for (long r = 0; r < rows; r++) {
        const float *restrict s = x + r * n;
        double acc = 0.0;
        if (square) {
            // Reassociation lets the sum vectorise (lanes and vectors are added at the end).
            _Pragma("clang fp reassociate(on)")
            _Pragma("clang loop vectorize(enable) interleave_count(4)")
            for (long i = 0; i < n; i++) { double v = (double)s[i]; acc += v * v; }
        } else {
            _Pragma("clang fp reassociate(on)")
            _Pragma("clang loop vectorize(enable) interleave_count(4)")
            for (long i = 0; i < n; i++) acc += (double)s[i];
        }
        out[r] = acc;
    }
}


#undef RS_NAME
#undef RS_NAME2

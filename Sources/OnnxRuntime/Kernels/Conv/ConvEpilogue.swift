extension NN {
    /// The activation of the nodes fused after a Conv (Relu, Clip, HardSwish, Sigmoid+Mul), applied
    /// to each block of the float32 output right after it is computed, while it is in cache. When
    /// intermediates are kept, `pre` (the Conv's own output) and `mid` (SiLU's sigmoid) receive
    /// the values the unfused nodes would have produced, at the same offsets as y; `stream` says
    /// which of them the run holds to its end.
    struct ConvEpilogue: @unchecked Sendable {
        let kind: FastMath.EpilogueKind
        let pre: UnsafeMutablePointer<Float>?
        let mid: UnsafeMutablePointer<Float>?
        var stream: FastMath.StreamedCopies = [.pre, .mid]
        /// Without `pre`: set to 1 when a value before the activation is a NaN or an infinity, so
        /// that the run knows it of the Conv's output it did not keep (Interpreter.DeferredValue).
        var nonfinite: UnsafeMutablePointer<Int32>? = nil

        /// Applies to y[offset..<offset + count].
        func apply(_ y: UnsafeMutablePointer<Float>, _ offset: Int, _ count: Int) {
            guard count > 0 else { return }
            // The block is in cache: a scan costs far less than writing the copy out.
            if let nonfinite, pre == nil, FastMath.anyNonFinite(UnsafeBufferPointer(start: y + offset, count: count)) {
                FastMath.flagNonFinite(nonfinite)
            }
            FastMath.epilogue(kind, y + offset, pre: pre.map { $0 + offset }, mid: mid.map { $0 + offset }, count: count, stream: stream)
        }

        /// Applies to `rows` rows of `count` floats `stride` apart from `offset`.
        func apply(_ y: UnsafeMutablePointer<Float>, _ offset: Int, rows: Int, count: Int, stride: Int) {
            // Whole rows are one span: one call instead of one per (short) row.
            if count == stride { return apply(y, offset, rows * count) }
            for r in 0..<rows { apply(y, offset + r * stride, count) }
        }

        /// Applies to all of y[0..<count] (paths that cannot apply it per block), split over threads.
        func applyAll(_ y: UnsafeMutablePointer<Float>, _ count: Int, threads: Int) {
            let box = UnsafeSendableBox(y)
            NN.parallelFor(count, threads: threads, minimumPerThread: 1 << 16) { r in apply(box.value, r.lowerBound, r.count) }
        }
    }
}

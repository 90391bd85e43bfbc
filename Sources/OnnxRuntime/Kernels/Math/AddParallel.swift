extension Add {
    /// a + b for float32 tensors of one shape that are large enough to split over threads (residual
    /// Adds of CNNs); nil otherwise, for the general path. Element-wise, so the bits do not depend
    /// on the split.
    static func parallelFloat(_ a: Tensor, _ b: Tensor) -> Tensor? {
        guard a.dtype == .float, b.dtype == .float, a.shape == b.shape else { return nil }
        let n = a.count, parts = Parallel.split(n)
        guard parts > 1 else { return nil }
        return a.withUnsafeBuffer(as: Float.self) { pa in
            b.withUnsafeBuffer(as: Float.self) { pb in
                Tensor.make(.float, a.shape, as: Float.self) { po in
                    guard let xa = pa.baseAddress, let xb = pb.baseAddress, let xo = po.baseAddress else { return }
                    Parallel.run(n, parts: parts) { r in
                        let (s, t, d) = (xa + r.lowerBound, xb + r.lowerBound, xo + r.lowerBound)
                        for i in 0..<r.count { d[i] = s[i] + t[i] }
                    }
                }
            }
        }
    }
}

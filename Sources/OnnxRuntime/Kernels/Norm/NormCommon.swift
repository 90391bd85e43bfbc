import OnnxModel

extension NN {
    /// Shared pieces of the normalization family: float-type plumbing, parameter reading and the
    /// row statistics (accumulated in Double).
    enum NormSupport {
        /// Runs `body` in the compute type of `x` (double stays double; float16/bfloat16 compute in
        /// float32) and converts the outputs back to x's type.
        static func run(_ x: Tensor, _ body: (Tensor) throws(KernelError) -> [Tensor]) throws(KernelError) -> [Tensor] {
            try ConvTypes.check(x, "X")
            if x.dtype == .float || x.dtype == .double { return try body(x) }
            return try body(try Cast.convert(x, to: .float)).map { t throws(KernelError) in try Cast.convert(t, to: x.dtype) }
        }

        /// `t`'s values in the compute type `T`, broadcast (numpy rules, right-aligned) to `shape`.
        static func values<T: FloatElement>(_ t: Tensor, as _: T.Type, broadcastTo shape: [Int], what: String) throws(KernelError) -> [T] {
            var v = t
            if v.dtype != T.dataType { v = try Cast.convert(v, to: T.dataType) }
            if v.shape != shape {
                let b = try Shapes.broadcast(v.shape, shape)
                guard b == shape else { throw KernelError("\(what) \(shapeText(t.shape)) does not broadcast to \(shapeText(shape))") }
                v = try Expand.apply(v, to: shape)
            }
            return v.elements(as: T.self)
        }

        /// Mean and population variance of n values from `p` with stride `step`.
        @inline(__always)
        static func meanVar<T: FloatElement>(_ p: UnsafePointer<T>, _ n: Int, step: Int = 1) -> (Double, Double) {
            if n == 0 { return (.nan, .nan) }
            var s = 0.0
            for i in 0..<n { s += p[i * step].asDouble }
            let mean = s / Double(n)
            var v = 0.0
            for i in 0..<n { let d = p[i * step].asDouble - mean; v += d * d }
            return (mean, v / Double(n))
        }
    }
}

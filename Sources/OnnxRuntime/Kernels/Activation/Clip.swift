/// Clip: min(max(x, lo), hi). Bounds are attributes before opset 11, optional inputs after.
public struct Clip: OpKernel {
    public static let sinceVersions = [1, 6, 11, 12, 13]
    let attrMin: Float?
    let attrMax: Float?
    let fromInputs: Bool

    public init(_ node: NodeContext) throws {
        fromInputs = node.sinceVersion >= 11
        attrMin = fromInputs ? nil : try node.float("min")
        attrMax = fromInputs ? nil : try node.float("max")
    }

    struct F: BinaryFloatFunction, BinaryIntFunction {
        let isMax: Bool
        @inline(__always) func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T { a.isNaN ? a : (isMax ? Swift.max(a, b) : Swift.min(a, b)) }
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T { isMax ? Swift.max(a, b) : Swift.min(a, b) }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var x = try inputs.tensor(0)
        var lo: Tensor?, hi: Tensor?
        if fromInputs {
            lo = try inputs.optionalTensor(1)
            hi = try inputs.optionalTensor(2)
        } else {
            lo = try attrMin.map { v throws(KernelError) in try Cast.convert(.scalar(v), to: x.dtype) }
            hi = try attrMax.map { v throws(KernelError) in try Cast.convert(.scalar(v), to: x.dtype) }
        }
        for b in [lo, hi] { if let b, b.count != 1 { throw KernelError("min and max must be scalars, got shape \(shapeText(b.shape))") } }
        if x.dtype == .float, let y = Clip.clampFloat32(x, lo, hi) { return [.tensor(y)] }
        if let lo { x = try Dispatch.binary(x, lo.reshaped([]), numeric: F(isMax: true), op: "Clip") }
        if let hi { x = try Dispatch.binary(x, hi.reshaped([]), numeric: F(isMax: false), op: "Clip") }
        return [.tensor(x)]
    }

    /// float32 in one pass (ReLU6 in MobileNets runs on every activation): two broadcast passes
    /// cost 10x more. Comparisons are false for NaN, so NaN passes through as the spec asks.
    static func clampFloat32(_ x: Tensor, _ lo: Tensor?, _ hi: Tensor?) -> Tensor? {
        guard lo == nil || lo!.dtype == .float, hi == nil || hi!.dtype == .float else { return nil }
        let l = lo.map { $0.withUnsafeBuffer(as: Float.self) { $0[0] } } ?? -.infinity
        let h = hi.map { $0.withUnsafeBuffer(as: Float.self) { $0[0] } } ?? .infinity
        if l.isNaN || h.isNaN { return nil }
        return x.withUnsafeBuffer(as: Float.self) { src in
            Tensor.make(x.dtype, x.shape, as: Float.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                let n = src.count, t = Parallel.split(n)
                if t <= 1 {
                    Clip.clamp(s, d, 0..<n, l, h)
                } else {
                    Parallel.run(n, parts: t) { r in Clip.clamp(s, d, r, l, h) }
                }
            }
        }
    }

    @inline(never)
    static func clamp(_ s: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ r: Swift.Range<Int>, _ l: Float, _ h: Float) {
        for i in r {
            let v = s[i]
            let a = v < l ? l : v
            d[i] = a > h ? h : a
        }
    }
}

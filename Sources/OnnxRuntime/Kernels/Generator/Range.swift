/// Range: start, start+delta, ... below limit (above it for a negative delta).
public struct Range: OpKernel {
    public static let sinceVersions = [11, 27]
    let stashFloat: Bool

    public init(_ node: NodeContext) throws { stashFloat = try node.int("stash_type", default: 0) == 1 }

    static func count(_ start: Double, _ limit: Double, _ delta: Double) throws(KernelError) -> Int {
        guard delta != 0, !delta.isNaN else { throw KernelError("delta must be non-zero") }
        let n = ((limit - start) / delta).rounded(.up)
        guard n.isFinite else { throw KernelError("range is infinite") }
        guard n < Double(1 << 32) else { throw KernelError("range has too many elements (\(n))") }
        return max(Int(n), 0)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let s = try inputs.tensor(0), l = try inputs.tensor(1), d = try inputs.tensor(2)
        guard s.count == 1, l.count == 1, d.count == 1 else { throw KernelError("start, limit and delta must be scalars") }
        guard s.dtype == l.dtype, s.dtype == d.dtype else { throw KernelError("start, limit and delta must have one type") }
        let t = s.dtype
        switch t {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            let a = try s.intValues()[0], b = try l.intValues()[0], step = try d.intValues()[0]
            guard step != 0 else { throw KernelError("delta must be non-zero") }
            let span = b &- a
            var n = span / step
            if span % step != 0 && (span > 0) == (step > 0) { n += 1 }
            n = max(n, 0)
            guard n < (1 << 32) else { throw KernelError("range has too many elements (\(n))") }
            return [.tensor(try Cast.convert(Tensor(shape: [n], (0..<n).map { Int64(a &+ $0 &* step) }), to: t))]
        case .float, .double, .float16, .bfloat16:
            let a = s.doubleValue(at: 0), b = l.doubleValue(at: 0), step = d.doubleValue(at: 0)
            let n = try Range.count(a, b, step)
            if t == .double {
                return [.tensor(Tensor(shape: [n], (0..<n).map { a + Double($0) * step }))]
            }
            if t == .float || stashFloat {
                let fa = Float(a), fs = Float(step)
                return [.tensor(try Cast.convert(Tensor(shape: [n], (0..<n).map { fa + Float($0) * fs }), to: t))]
            }
            // Half types without stash accumulate in their own precision, like the reference.
            var out: [Double] = []
            var v = try Cast.convert(.scalar(Float(a)), to: t)
            let dv = try Cast.convert(.scalar(Float(step)), to: t)
            for _ in 0..<n {
                out.append(v.doubleValue(at: 0))
                v = try Cast.convert(.scalar(Float(v.doubleValue(at: 0) + dv.doubleValue(at: 0))), to: t)
            }
            return [.tensor(try Cast.convert(Tensor(shape: [n], out), to: t))]
        default:
            throw KernelError.unsupported("input type \(t.name) is not supported")
        }
    }
}

/// Slice: `starts:ends:steps` along `axes`, with numpy clamping of out-of-range bounds.
/// Opset 1-9 take starts/ends/axes as attributes.
public struct Slice: OpKernel {
    public static let sinceVersions = [1, 10, 11, 13]
    let attrs: (starts: [Int], ends: [Int], axes: [Int]?)?

    public init(_ node: NodeContext) throws {
        if node.sinceVersion < 10 {
            attrs = (try node.required("starts") { (n: String) throws(KernelError) in try node.ints(n) },
                     try node.required("ends") { (n: String) throws(KernelError) in try node.ints(n) },
                     try node.ints("axes"))
        } else {
            attrs = nil
        }
    }

    /// Start and size of one sliced dim.
    static func bounds(start: Int, end: Int, step: Int, dim: Int) -> (start: Int, count: Int) {
        var s = start < 0 ? start + dim : start
        var e = end < 0 ? end + dim : end
        if step > 0 {
            s = min(max(s, 0), dim)
            e = min(max(e, 0), dim)
            return (s, e > s ? (e - s + step - 1) / step : 0)
        }
        s = min(max(s, -1), dim - 1)
        e = min(max(e, -1), dim - 1)
        return (s, s > e ? (s - e + (-step) - 1) / (-step) : 0)
    }

    public static func apply(_ x: Tensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) throws(KernelError) -> Tensor {
        guard starts.count == ends.count else { throw KernelError("starts has \(starts.count) entries, ends has \(ends.count)") }
        var ax: [Int] = []
        for a in axes ?? Array(0..<starts.count) { ax.append(try Shapes.axis(a, rank: x.rank)) }
        guard ax.count == starts.count, Set(ax).count == ax.count else { throw KernelError("axes \(axes ?? []) must be distinct and match starts") }
        let st = steps ?? [Int](repeating: 1, count: starts.count)
        guard st.count == starts.count else { throw KernelError("steps has \(st.count) entries, starts has \(starts.count)") }
        var shape = x.shape
        let xs = Shapes.strides(x.shape)
        var strides = xs
        var offset = 0
        for (k, a) in ax.enumerated() {
            guard st[k] != 0 else { throw KernelError("steps must be non-zero") }
            let (s, n) = bounds(start: starts[k], end: ends[k], step: st[k], dim: x.shape[a])
            shape[a] = n
            if n > 0 { offset += s * xs[a] }
            strides[a] = xs[a] * st[k]
        }
        return try Movement.strided(x, offset: offset, strides: strides, shape: shape)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        if let attrs {
            return [.tensor(try Slice.apply(x, starts: attrs.starts, ends: attrs.ends, axes: attrs.axes, steps: nil))]
        }
        return [.tensor(try Slice.apply(x, starts: try inputs.tensor(1).intValues(), ends: try inputs.tensor(2).intValues(),
                                        axes: try inputs.optionalTensor(3)?.intValues(), steps: try inputs.optionalTensor(4)?.intValues()))]
    }
}

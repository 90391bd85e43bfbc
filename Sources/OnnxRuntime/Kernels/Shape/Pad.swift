/// Pad: pads (or, with negative pads, crops) each dim. Modes constant, reflect, edge and wrap
/// (opset 19). Before opset 11 the pads and value are attributes; opset 18 adds `axes`.
public struct Pad: OpKernel {
    public static let sinceVersions = [1, 2, 11, 13, 18, 19, 21, 23, 24, 25]
    let mode: String
    let padsAttr: [Int]?
    let valueAttr: Float

    public init(_ node: NodeContext) throws {
        mode = try node.string("mode", default: "constant")
        guard ["constant", "reflect", "edge", "wrap"].contains(mode) else { throw KernelError("mode '\(mode)' is not constant, reflect, edge or wrap") }
        if node.sinceVersion < 11 {
            padsAttr = try node.ints(node.sinceVersion < 2 ? "paddings" : "pads") ?? []
            valueAttr = try node.float("value", default: 0)
        } else {
            padsAttr = nil
            valueAttr = 0
        }
    }

    /// Source index along a dim of size n for output coordinate i (i in input coordinates), -1 for the constant.
    static func source(_ i: Int, _ n: Int, _ mode: String) -> Int {
        if i >= 0 && i < n { return i }
        if n == 0 { return -1 }
        switch mode {
        case "edge": return i < 0 ? 0 : n - 1
        case "wrap": return ((i % n) + n) % n
        case "reflect":
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            var r = ((i % period) + period) % period
            if r >= n { r = period - r }
            return r
        default: return -1
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let r = x.rank
        var constant: Tensor
        var begin = [Int](repeating: 0, count: r), end = [Int](repeating: 0, count: r)
        if let padsAttr {
            guard padsAttr.count == 2 * r else { throw KernelError("pads has \(padsAttr.count) entries, expected \(2 * r)") }
            for d in 0..<r { begin[d] = padsAttr[d]; end[d] = padsAttr[d + r] }
            constant = try Cast.convert(.scalar(valueAttr), to: x.dtype)
        } else {
            let pads = try inputs.tensor(1).intValues()
            let axes = try inputs.optionalTensor(3)?.intValues().map { (a: Int) throws(KernelError) -> Int in try Shapes.axis(a, rank: r) } ?? Array(0..<r)
            guard pads.count == 2 * axes.count else { throw KernelError("pads has \(pads.count) entries, expected \(2 * axes.count)") }
            for (k, a) in axes.enumerated() { begin[a] = pads[k]; end[a] = pads[k + axes.count] }
            if let c = try inputs.optionalTensor(2), c.count > 0 {
                guard c.dtype == x.dtype else { throw KernelError("constant_value is \(c.dtype.name), the input is \(x.dtype.name)") }
                constant = c.reshaped([c.count])
            } else {
                constant = Tensor.zeros(x.dtype, [1])
            }
        }
        var shape: [Int] = []
        for d in 0..<r {
            let (a, o1) = x.shape[d].addingReportingOverflow(begin[d])
            let (n, o2) = a.addingReportingOverflow(end[d])
            guard !o1, !o2 else { throw KernelError("pads \(begin[d]), \(end[d]) on dim \(d) are too large") }
            guard n >= 0 else { throw KernelError("pads crop dim \(d) (size \(x.shape[d])) below zero") }
            shape.append(n)
        }
        // The output, and the source index this kernel keeps per output element (8 bytes each).
        _ = try Shapes.checked(shape, what: "padded shape")
        guard Tensor.elementCount(shape) <= Shapes.maxElements / 2 else {
            throw KernelError("padded shape \(shapeText(shape)) is too large")
        }
        if mode != "constant" {
            for d in 0..<r where x.shape[d] == 0 && shape[d] > 0 {
                throw KernelError("cannot \(mode)-pad an empty dim \(d)")
            }
        }
        // Per-dim source maps, then the flat source index of every output element (-1: constant).
        let st = Shapes.strides(x.shape)
        let maps: [[Int]] = (0..<r).map { d in (0..<shape[d]).map { Pad.source($0 - begin[d], x.shape[d], mode) } }
        let total = Tensor.elementCount(shape)
        var index = [Int](repeating: 0, count: total)
        if total > 0 {
            var idx = [Int](repeating: 0, count: r)
            for i in 0..<total {
                var f = 0
                for d in 0..<r {
                    let s = maps[d][idx[d]]
                    if s < 0 { f = -1; break }
                    f += s * st[d]
                }
                index[i] = f
                var d = r - 1
                while d >= 0 {
                    idx[d] += 1
                    if idx[d] < shape[d] { break }
                    idx[d] = 0
                    d -= 1
                }
            }
        }
        struct V: StorageVisitor {
            let x: Tensor, c: Tensor, index: [Int], shape: [Int]
            func visit<T>(_: T.Type) -> Tensor {
                x.withUnsafeBuffer(as: T.self) { s in
                    c.withUnsafeBuffer(as: T.self) { cv in
                        Tensor.make(x.dtype, shape, as: T.self) { d in
                            for i in 0..<d.count { (d.baseAddress! + i).initialize(to: index[i] < 0 ? cv[0] : s[index[i]]) }
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.visitStorage(V(x: x, c: constant, index: index, shape: shape)))]
    }
}

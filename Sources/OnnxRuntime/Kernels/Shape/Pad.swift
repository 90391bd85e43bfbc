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
        _ = try Shapes.checked(shape, what: "padded shape")
        if mode != "constant" {
            for d in 0..<r where x.shape[d] == 0 && shape[d] > 0 {
                throw KernelError("cannot \(mode)-pad an empty dim \(d)")
            }
        }
        if r == 0 { return [.tensor(x)] }
        // Per-dim source maps (-1: the constant). Output rows along the last dim copy their inside
        // span in one block; only the padded ends go element by element (Swin pads every window
        // stage: an index per element made Pad 13% of its run).
        let maps: [[Int]] = (0..<r).map { d in (0..<shape[d]).map { Pad.source($0 - begin[d], x.shape[d], mode) } }
        struct V: StorageVisitor {
            let x: Tensor, c: Tensor, maps: [[Int]], shape: [Int], begin: Int
            func visit<T>(_: T.Type) -> Tensor {
                x.withUnsafeBuffer(as: T.self) { s in
                    c.withUnsafeBuffer(as: T.self) { cv in
                        Tensor.make(x.dtype, shape, as: T.self) { d in
                            Pad.fill(s, cv[0], d, inShape: x.shape, shape: shape, maps: maps, begin: begin)
                        }
                    }
                }
            }
        }
        return [.tensor(try x.dtype.visitStorage(V(x: x, c: constant, maps: maps, shape: shape, begin: begin[r - 1])))]
    }

    /// Writes the padded tensor row by row (rank >= 1): `maps[d][o]` is the source coordinate of
    /// output coordinate o along dim d, or -1 for the constant; along the last dim the outputs
    /// [lo, hi) read the input contiguously from lo - begin.
    static func fill<T>(_ s: UnsafeBufferPointer<T>, _ c: T, _ d: UnsafeMutableBufferPointer<T>, inShape: [Int], shape: [Int],
                        maps: [[Int]], begin: Int) {
        let r = shape.count, inner = shape[r - 1], total = d.count
        guard total > 0, let dp = d.baseAddress else { return }
        let st = Shapes.strides(inShape)
        let last = maps[r - 1]
        let lo = Swift.min(inner, Swift.max(0, begin)), hi = Swift.max(lo, Swift.min(inner, begin + inShape[r - 1]))
        var idx = [Int](repeating: 0, count: r)
        for row in 0..<(total / inner) {
            let dst = dp + row * inner
            var f = 0
            for k in 0..<(r - 1) {
                let m = maps[k][idx[k]]
                if m < 0 { f = -1; break }
                f += m * st[k]
            }
            if f < 0 || s.isEmpty {
                for j in 0..<inner { dst[j] = f < 0 || last[j] < 0 ? c : s[f + last[j]] }
            } else {
                for j in 0..<lo { dst[j] = last[j] < 0 ? c : s[f + last[j]] }
                if hi > lo { (dst + lo).update(from: s.baseAddress! + f + lo - begin, count: hi - lo) }
                for j in hi..<inner { dst[j] = last[j] < 0 ? c : s[f + last[j]] }
            }
            var k = r - 2
            while k >= 0 {
                idx[k] += 1
                if idx[k] < shape[k] { break }
                idx[k] = 0
                k -= 1
            }
        }
    }
}

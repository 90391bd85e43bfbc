import OnnxModel

/// CumSum: running sum along an axis (`exclusive`: without the current element; `reverse`: from the end).
public struct CumSum: OpKernel {
    public static let sinceVersions = [11, 14]
    let exclusive: Bool
    let reverse: Bool

    public init(_ node: NodeContext) throws {
        exclusive = try node.int("exclusive", default: 0) != 0
        reverse = try node.int("reverse", default: 0) != 0
    }

    static func scan<T>(_ v: [T], outer: Int, n: Int, inner: Int, exclusive: Bool, reverse: Bool, zero: T, add: (T, T) -> T) -> [T] {
        var out = v
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = zero
                for s in 0..<n {
                    let k = reverse ? n - 1 - s : s
                    let idx = o * n * inner + k * inner + i
                    if exclusive {
                        out[idx] = acc
                        acc = add(acc, v[idx])
                    } else {
                        acc = add(acc, v[idx])
                        out[idx] = acc
                    }
                }
            }
        }
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let axisT = try inputs.tensor(1)
        guard axisT.count == 1 else { throw KernelError("axis must be a scalar, got shape \(shapeText(axisT.shape))") }
        let a = try Shapes.axis(try axisT.intValues()[0], rank: x.rank)
        let n = x.shape[a]
        let outer = Tensor.elementCount(Array(x.shape[0..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        if x.dtype.isInteger {
            let v = try Cast.convert(x, to: .int64).elements(as: Int64.self)
            let r = CumSum.scan(v, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse, zero: 0) { $0 &+ $1 }
            return [.tensor(try Cast.convert(Tensor(shape: x.shape, r), to: x.dtype))]
        }
        guard x.dtype == .float || x.dtype == .double || x.dtype.isReducedFloat else {
            throw KernelError.unsupported("input type \(x.dtype.name) is not supported")
        }
        let v = try Cast.convert(x, to: .double).elements(as: Double.self)
        let r = CumSum.scan(v, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse, zero: 0) { $0 + $1 }
        return [.tensor(try Cast.convert(Tensor(shape: x.shape, r), to: x.dtype))]
    }
}

import OnnxModel

/// CumProd: running product along an axis (`exclusive`, `reverse` as for CumSum).
public struct CumProd: OpKernel {
    public static let sinceVersions = [26]
    let exclusive: Bool
    let reverse: Bool

    public init(_ node: NodeContext) throws {
        exclusive = try node.int("exclusive", default: 0) != 0
        reverse = try node.int("reverse", default: 0) != 0
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let axisT = try inputs.tensor(1)
        guard axisT.count == 1 else { throw KernelError("axis must be a scalar") }
        let a = try Shapes.axis(try axisT.intValues()[0], rank: x.rank)
        let n = x.shape[a], outer = Tensor.elementCount(Array(x.shape[0..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        if x.dtype.isInteger {
            let v = try Cast.convert(x, to: .int64).elements(as: Int64.self)
            let r = CumSum.scan(v, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse, zero: 1) { $0 &* $1 }
            return [.tensor(try Cast.convert(Tensor(shape: x.shape, r), to: x.dtype))]
        }
        guard x.dtype.isFloatingPoint else { throw KernelError.unsupported("input type \(x.dtype.name) is not supported") }
        let v = try Cast.convert(x, to: .double).elements(as: Double.self)
        let r = CumSum.scan(v, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse, zero: 1) { $0 * $1 }
        return [.tensor(try Cast.convert(Tensor(shape: x.shape, r), to: x.dtype))]
    }
}

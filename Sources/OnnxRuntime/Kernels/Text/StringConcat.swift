import OnnxModel

/// StringConcat: element-wise X + Y on string tensors with numpy broadcasting.
public struct StringConcat: OpKernel {
    public static let sinceVersions = [20]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0), y = try inputs.tensor(1)
        guard x.dtype == .string, y.dtype == .string else {
            throw KernelError("inputs must be string tensors, got \(x.dtype.name) and \(y.dtype.name)")
        }
        let shape = try Shapes.broadcast(x.shape, y.shape)
        let n = Tensor.elementCount(shape)
        let sx = Shapes.broadcastStrides(x.shape, to: shape), sy = Shapes.broadcastStrides(y.shape, to: shape)
        let dims = Shapes.strides(shape)
        var out = [String]()
        out.reserveCapacity(n)
        for i in 0..<n {
            var rem = i, ix = 0, iy = 0
            for d in 0..<shape.count {
                let c = rem / dims[d]
                rem -= c * dims[d]
                ix += c * sx[d]
                iy += c * sy[d]
            }
            out.append(x.strings[ix] + y.strings[iy])
        }
        return [.tensor(Tensor(strings: out, shape: shape))]
    }
}

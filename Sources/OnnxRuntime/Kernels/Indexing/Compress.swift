/// Compress: keeps the slices along `axis` (or the elements of the flattened input) whose
/// condition is true; the condition may be shorter than the axis.
public struct Compress: OpKernel {
    public static let sinceVersions = [9, 11, 28]
    let axis: Int?

    public init(_ node: NodeContext) throws { axis = try node.int("axis") }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var x = try inputs.tensor(0)
        let cond = try inputs.tensor(1)
        guard cond.rank == 1 else { throw KernelError("condition must be 1-D, got \(shapeText(cond.shape))") }
        var a = 0
        if let axis { a = try Shapes.axis(axis, rank: x.rank) } else { x = x.reshaped([x.count]) }
        let n = x.shape[a]
        guard cond.count <= n else { throw KernelError("condition has \(cond.count) entries, axis has \(n)") }
        let keep = (0..<cond.count).filter { cond.doubleValue(at: $0) != 0 }
        return [.tensor(try Gather.apply(x, Tensor(shape: [keep.count], keep.map { Int64($0) }), axis: a))]
    }
}

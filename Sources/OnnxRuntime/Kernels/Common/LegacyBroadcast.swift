/// The opset 1-6 broadcasting of binary ops: with `broadcast=1`, B is aligned with A at `axis`
/// (default: trailing dims); with `broadcast=0` the shapes must match. From opset 7 on, numpy rules.
struct LegacyBroadcast {
    let enabled: Bool
    let broadcast: Bool
    let axis: Int?

    init(_ node: NodeContext) throws(KernelError) {
        enabled = node.sinceVersion < 7
        broadcast = try node.int("broadcast", default: 0) != 0
        axis = try node.int("axis")
    }

    func align(_ a: Tensor, _ b: Tensor) throws(KernelError) -> (Tensor, Tensor) {
        guard enabled else { return (a, b) }
        if !broadcast {
            guard a.shape == b.shape else { throw KernelError("shapes \(shapeText(a.shape)) and \(shapeText(b.shape)) differ and broadcast=0") }
            return (a, b)
        }
        guard let axis else { return (a, b) }
        let ax = axis < 0 ? axis + a.rank : axis
        guard ax >= 0, ax + b.rank <= a.rank else { throw KernelError("axis \(axis) does not fit B \(shapeText(b.shape)) into A \(shapeText(a.shape))") }
        let shape = [Int](repeating: 1, count: ax) + b.shape + [Int](repeating: 1, count: a.rank - ax - b.rank)
        return (a, b.reshaped(shape))
    }
}

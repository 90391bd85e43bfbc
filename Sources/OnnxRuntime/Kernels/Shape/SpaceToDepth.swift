/// SpaceToDepth: moves spatial blocks into channels (mode DCR, or CRD from opset 28).
public struct SpaceToDepth: OpKernel {
    public static let sinceVersions = [1, 13, 28]
    let blocksize: Int
    let crd: Bool

    public init(_ node: NodeContext) throws {
        let mode = try node.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else { throw KernelError("mode must be DCR or CRD, got '\(mode)'") }
        crd = mode == "CRD"
        blocksize = try node.required("blocksize") { (n: String) throws(KernelError) in try node.int(n) }
        guard blocksize > 0 else { throw KernelError("blocksize must be positive") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 4 else { throw KernelError("input 0 has shape \(shapeText(x.shape)), expected 4 dims [N,C,H,W]") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let b = blocksize
        guard h % b == 0, w % b == 0 else { throw KernelError("spatial dims \(h)x\(w) are not divisible by blocksize \(b)") }
        let t = try Transpose.apply(x.reshaped([n, c, h / b, b, w / b, b]), perm: crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4])
        return [.tensor(t.reshaped([n, c * b * b, h / b, w / b]))]
    }
}

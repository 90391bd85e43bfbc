/// DepthToSpace: moves channel blocks into spatial blocks (mode DCR, or CRD from opset 11).
public struct DepthToSpace: OpKernel {
    public static let sinceVersions = [1, 11, 13, 28]
    let blocksize: Int
    let crd: Bool

    public init(_ node: NodeContext) throws {
        blocksize = try node.required("blocksize") { (n: String) throws(KernelError) in try node.int(n) }
        let mode = try node.string("mode", default: "DCR")
        guard mode == "DCR" || mode == "CRD" else { throw KernelError("mode must be DCR or CRD, got '\(mode)'") }
        crd = mode == "CRD"
        guard blocksize > 0 else { throw KernelError("blocksize must be positive") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 4 else { throw KernelError("input 0 has shape \(shapeText(x.shape)), expected 4 dims [N,C,H,W]") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let b = blocksize
        guard c % (b * b) == 0 else { throw KernelError("channels \(c) are not divisible by blocksize^2 = \(b * b)") }
        let oc = c / (b * b)
        let t: Tensor
        if crd {
            t = try Transpose.apply(x.reshaped([n, oc, b, b, h, w]), perm: [0, 1, 4, 2, 5, 3])
        } else {
            t = try Transpose.apply(x.reshaped([n, b, b, oc, h, w]), perm: [0, 3, 4, 1, 5, 2])
        }
        return [.tensor(t.reshaped([n, oc, h * b, w * b]))]
    }
}

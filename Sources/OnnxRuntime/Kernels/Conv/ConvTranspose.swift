import OnnxModel

extension NN {
    /// ConvTranspose: the gradient of Conv with respect to its input. X [N, C, in...],
    /// W [C, M/group, k...], B [M]; output size from pads and output_padding, or from output_shape
    /// / auto_pad (pads then derived: total = s*(in-1) + output_padding + (k-1)*d + 1 - out, split
    /// begin = total/2 for SAME_UPPER, end = total/2 otherwise, with floor division).
    public struct ConvTranspose: OpKernel {
        public static let sinceVersions = [1, 11, 22]
        let window: WindowAttributes
        let group: Int
        let outputPadding: [Int]?
        let outputShape: [Int]?

        public init(_ node: NodeContext) throws {
            window = try WindowAttributes(node)
            group = try node.int("group", default: 1)
            guard group >= 1 else { throw KernelError("group must be at least 1, got \(group)") }
            outputPadding = try node.ints("output_padding")
            outputShape = try node.ints("output_shape")
            if let op = outputPadding, op.contains(where: { $0 < 0 }) { throw KernelError("output_padding \(shapeText(op)) must not be negative") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1)
            let b = try inputs.optionalTensor(2)
            try ConvTypes.check(x, "X")
            guard w.dtype == x.dtype, b == nil || b!.dtype == x.dtype else {
                throw KernelError("X, W and B must have one type, got \(x.dtype.name), \(w.dtype.name)\(b.map { ", \($0.dtype.name)" } ?? "")")
            }
            guard x.rank >= 3 else { throw KernelError("X must have rank >= 3 (N, C, spatial...), got \(shapeText(x.shape))") }
            guard w.rank == x.rank else { throw KernelError("W \(shapeText(w.shape)) must have the rank of X \(shapeText(x.shape))") }
            let c = x.shape[1]
            guard w.shape[0] == c else { throw KernelError("W \(shapeText(w.shape)) has \(w.shape[0]) input channels, X \(shapeText(x.shape)) has \(c)") }
            guard c % group == 0 else { throw KernelError("X's \(c) channels are not divisible by group \(group)") }
            let m = w.shape[1] * group
            if let b { guard b.rank == 1, b.count == m else { throw KernelError("B \(shapeText(b.shape)) must be 1-D with \(m) entries") } }
            let n = x.rank - 2
            let inSize = Array(x.shape[2...])
            let kernel = Array(w.shape[2...])
            if let ks = window.kernelShape, ks != kernel { throw KernelError("kernel_shape \(shapeText(ks)) does not match W \(shapeText(w.shape))") }
            let st = try WindowAttributes.list(window.strides, n, "strides", fill: 1)
            let dl = try WindowAttributes.list(window.dilations, n, "dilations", fill: 1)
            var opad = [Int](repeating: 0, count: n)
            if let op = outputPadding {
                guard op.count >= n else { throw KernelError("output_padding has \(op.count) entries, expected \(n)") }
                opad = Array(op.prefix(n))
            }
            var pb = [Int](repeating: 0, count: n), pe = pb, out = pb
            var target: [Int]? = nil
            if let os = outputShape {
                guard os.count == n || os.count == n + 2 else { throw KernelError("output_shape has \(os.count) entries, expected \(n)") }
                target = Array(os.suffix(n))
            } else if window.autoPad == .sameUpper || window.autoPad == .sameLower {
                target = (0..<n).map { inSize[$0] * st[$0] }
            }
            for i in 0..<n {
                let full = st[i] * (inSize[i] - 1) + opad[i] + (kernel[i] - 1) * dl[i] + 1
                if let target {
                    let total = full - target[i]
                    if window.autoPad == .sameUpper {
                        pb[i] = NN.floorDiv(total, 2); pe[i] = total - pb[i]
                    } else {
                        pe[i] = NN.floorDiv(total, 2); pb[i] = total - pe[i]
                    }
                    out[i] = target[i]
                } else {
                    if window.autoPad == .notSet, let pads = window.pads {
                        guard pads.count == 2 * n else { throw KernelError("pads has \(pads.count) entries, expected \(2 * n)") }
                        pb[i] = pads[i]; pe[i] = pads[i + n]
                    }
                    out[i] = full - pb[i] - pe[i]
                }
                guard out[i] >= 0 else { throw KernelError("output spatial dim \(i) would be \(out[i])") }
            }
            _ = try Shapes.checked([x.shape[0], m] + out, what: "output shape")
            let geo = WindowGeometry(inSize: out, kernel: kernel, strides: st, dilations: dl, padBegin: pb, padEnd: pe, outSize: inSize)
            let p = ConvEngine.Problem(batch: x.shape[0], inChannels: c, outChannels: m, group: group, geo: geo)
            return [.tensor(try Conv.apply(p, x, w, b, outShape: [x.shape[0], m] + out, transposed: true))]
        }
    }
}

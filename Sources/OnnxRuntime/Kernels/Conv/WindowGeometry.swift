import OnnxModel

extension NN {
    /// Sliding-window attributes shared by the convolution and pooling ops: `auto_pad`,
    /// `kernel_shape`, `strides`, `dilations` and `pads`, parsed once at load time and resolved
    /// against the input's spatial size at run time.
    struct WindowAttributes: Sendable {
        enum AutoPad: Sendable { case notSet, sameUpper, sameLower, valid }

        let autoPad: AutoPad
        let kernelShape: [Int]?
        let strides: [Int]?
        let dilations: [Int]?
        let pads: [Int]?

        init(_ node: NodeContext, dilations allowDilations: Bool = true) throws(KernelError) {
            let s = try node.string("auto_pad", default: "NOTSET")
            switch s {
            case "NOTSET", "": autoPad = .notSet
            case "SAME_UPPER": autoPad = .sameUpper
            case "SAME_LOWER": autoPad = .sameLower
            case "VALID": autoPad = .valid
            default: throw KernelError("attribute 'auto_pad' must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '\(s)'")
            }
            kernelShape = try node.ints("kernel_shape")
            strides = try node.ints("strides")
            dilations = allowDilations ? try node.ints("dilations") : nil
            pads = try node.ints("pads")
            if let k = kernelShape, k.contains(where: { $0 <= 0 }) { throw KernelError("kernel_shape \(shapeText(k)) must be positive") }
            if let v = strides, v.contains(where: { $0 <= 0 }) { throw KernelError("strides \(shapeText(v)) must be positive") }
            if let v = dilations, v.contains(where: { $0 <= 0 }) { throw KernelError("dilations \(shapeText(v)) must be positive") }
            if let p = pads, p.contains(where: { $0 < 0 }) { throw KernelError("pads \(shapeText(p)) must not be negative") }
            // Bounded so that window arithmetic cannot overflow (hostile attributes).
            for (name, v) in [("kernel_shape", kernelShape), ("strides", strides), ("dilations", dilations), ("pads", pads)] {
                if let v, let big = v.first(where: { $0 > WindowAttributes.limit }) {
                    throw KernelError("\(name) \(shapeText(v)) is too large (\(big) > \(WindowAttributes.limit))")
                }
            }
        }

        /// Largest kernel dim, stride, dilation or pad accepted.
        static let limit = 1 << 31

        /// The per-dim list `v` (or `fill` when absent), checked to have `n` entries.
        static func list(_ v: [Int]?, _ n: Int, _ name: String, fill: Int) throws(KernelError) -> [Int] {
            guard let v else { return [Int](repeating: fill, count: n) }
            guard v.count == n else { throw KernelError("\(name) has \(v.count) entries, the input has \(n) spatial dims") }
            return v
        }

        /// Resolves the window for `inSize` with kernel `kernel` (pass nil to use `kernel_shape`).
        /// `ceilMode` is the pooling rule (the last window must start inside the input or its
        /// begin padding).
        func resolve(inSize: [Int], kernel kernelIn: [Int]?, ceilMode: Bool = false) throws(KernelError) -> WindowGeometry {
            let n = inSize.count
            guard let kernel = kernelIn ?? kernelShape else { throw KernelError("required attribute 'kernel_shape' is missing") }
            guard kernel.count == n else { throw KernelError("kernel_shape \(shapeText(kernel)) has \(kernel.count) dims, the input has \(n) spatial dims") }
            let st = try WindowAttributes.list(strides, n, "strides", fill: 1)
            let dl = try WindowAttributes.list(dilations, n, "dilations", fill: 1)
            var pb = [Int](repeating: 0, count: n), pe = pb, out = pb
            if autoPad == .notSet, let pads {
                guard pads.count == 2 * n else { throw KernelError("pads has \(pads.count) entries, expected \(2 * n)") }
                for i in 0..<n { pb[i] = pads[i]; pe[i] = pads[i + n] }
            }
            for i in 0..<n {
                let eff = (kernel[i] - 1) * dl[i] + 1
                switch autoPad {
                case .notSet:
                    let span = inSize[i] + pb[i] + pe[i] - eff
                    guard span >= 0 else {
                        throw KernelError("spatial dim \(i) of size \(inSize[i]) (padded \(inSize[i] + pb[i] + pe[i])) is smaller than the window \(eff)")
                    }
                    if ceilMode {
                        var o = (span + st[i] - 1) / st[i] + 1
                        if (o - 1) * st[i] >= inSize[i] + pb[i] { o -= 1 }
                        out[i] = o
                    } else {
                        out[i] = span / st[i] + 1
                    }
                case .valid:
                    let span = inSize[i] - eff
                    guard span >= 0 else { throw KernelError("spatial dim \(i) of size \(inSize[i]) is smaller than the window \(eff)") }
                    out[i] = span / st[i] + 1
                case .sameUpper, .sameLower:
                    out[i] = (inSize[i] + st[i] - 1) / st[i]
                    let total = max(0, (out[i] - 1) * st[i] + eff - inSize[i])
                    if autoPad == .sameUpper { pb[i] = total / 2; pe[i] = total - total / 2 } else { pb[i] = total - total / 2; pe[i] = total / 2 }
                }
            }
            _ = try Shapes.checked(out, what: "output window")
            return WindowGeometry(inSize: inSize, kernel: kernel, strides: st, dilations: dl, padBegin: pb, padEnd: pe, outSize: out)
        }
    }

    /// A resolved sliding window over `inSize`: every list has one entry per spatial dim.
    struct WindowGeometry: Sendable, Equatable {
        var inSize: [Int]
        var kernel: [Int]
        var strides: [Int]
        var dilations: [Int]
        var padBegin: [Int]
        var padEnd: [Int]
        var outSize: [Int]

        var rank: Int { inSize.count }
        var inCount: Int { Tensor.elementCount(inSize) }
        var outCount: Int { Tensor.elementCount(outSize) }
        var kernelCount: Int { Tensor.elementCount(kernel) }

        /// True when the window is 1x..x1 with unit strides and no padding: the input is its own im2col.
        var isPointwise: Bool {
            kernel.allSatisfy { $0 == 1 } && strides.allSatisfy { $0 == 1 } && padBegin.allSatisfy { $0 == 0 } && padEnd.allSatisfy { $0 == 0 }
        }

        /// Output positions `o` along dim `d` whose input coordinate `o * stride - padBegin + offset`
        /// lies in [0, inSize): the half-open range [lo, hi) (empty when lo >= hi).
        @inline(__always)
        func validRange(_ d: Int, offset: Int) -> (lo: Int, hi: Int) {
            let s = strides[d], base = offset - padBegin[d]
            // o * s + base >= 0  ->  o >= ceil(-base / s)
            let lo = base >= 0 ? 0 : (-base + s - 1) / s
            // o * s + base <= in - 1  ->  o <= floor((in - 1 - base) / s)
            let top = inSize[d] - 1 - base
            let hi = top < 0 ? 0 : min(outSize[d], top / s + 1)
            return (min(lo, outSize[d]), max(hi, 0))
        }
    }

    /// Integer division rounding toward negative infinity (Python's `//`).
    @inline(__always)
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

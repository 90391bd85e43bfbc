import OnnxModel

extension NN {
    /// Resize: nearest, (bi/tri)linear and cubic interpolation with every coordinate transformation
    /// mode, nearest rounding mode, exclude_outside, extrapolation for tf_crop_and_resize, and
    /// (opset 18+) antialias, axes and keep_aspect_ratio_policy. Output size from `scales`
    /// (floor(in * scale)) or `sizes`. Resize-10 takes (X, scales) and behaves like Upsample.
    public struct Resize: OpKernel {
        public static let sinceVersions = [10, 11, 13, 18, 19]
        let options: ResizeEngine.Options
        let legacy: Bool
        let axes: [Int]?
        let policy: String

        public init(_ node: NodeContext) throws {
            legacy = node.sinceVersion < 11
            let modeName = try node.string("mode", default: "nearest")
            let mode: ResizeEngine.Mode
            switch modeName {
            case "nearest": mode = .nearest
            case "linear", "bilinear", "trilinear": mode = .linear
            case "cubic", "bicubic": mode = .cubic
            default: throw KernelError("mode must be nearest, linear or cubic, got '\(modeName)'")
            }
            let coordName = try node.string("coordinate_transformation_mode", default: legacy ? "asymmetric" : "half_pixel")
            guard let coord = ResizeEngine.Coordinate(rawValue: coordName) else {
                throw KernelError("coordinate_transformation_mode '\(coordName)' is not supported")
            }
            let nearestName = try node.string("nearest_mode", default: "round_prefer_floor")
            guard let nearest = legacy ? .legacy : ResizeEngine.Nearest(rawValue: nearestName), nearestName != "legacy" else {
                throw KernelError("nearest_mode '\(nearestName)' is not supported")
            }
            options = ResizeEngine.Options(mode: mode, coordinate: coord, nearest: nearest,
                                           cubicA: Double(try node.float("cubic_coeff_a", default: -0.75)),
                                           excludeOutside: try node.int("exclude_outside", default: 0) != 0,
                                           antialias: try node.int("antialias", default: 0) != 0,
                                           extrapolation: Double(try node.float("extrapolation_value", default: 0)))
            axes = try node.ints("axes")
            policy = try node.string("keep_aspect_ratio_policy", default: "stretch")
            guard ["stretch", "not_larger", "not_smaller"].contains(policy) else {
                throw KernelError("keep_aspect_ratio_policy must be stretch, not_larger or not_smaller, got '\(policy)'")
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let r = x.rank
            let roiT: Tensor?, scalesT: Tensor?, sizesT: Tensor?
            if legacy {
                (roiT, scalesT, sizesT) = (nil, try inputs.tensor(1), nil)
            } else {
                (roiT, scalesT, sizesT) = (try inputs.optionalTensor(1), try inputs.optionalTensor(2), try inputs.optionalTensor(3))
            }
            let ax = try (axes ?? Array(0..<r)).map { a throws(KernelError) in try Shapes.axis(a, rank: r) }
            guard Set(ax).count == ax.count else { throw KernelError("axes \(shapeText(axes ?? [])) has duplicates") }
            // roi: [starts..., ends...] over the resized axes.
            var rois = [(Double, Double)](repeating: (0, 1), count: r)
            if let roiT, roiT.count > 0 {
                guard roiT.count == 2 * ax.count else { throw KernelError("roi has \(roiT.count) values, expected \(2 * ax.count)") }
                for (i, a) in ax.enumerated() { rois[a] = (roiT.doubleValue(at: i), roiT.doubleValue(at: i + ax.count)) }
            }
            var scales = [Double](repeating: 1, count: r)
            var outShape = x.shape
            if let sizesT, sizesT.count > 0 {
                if let scalesT, scalesT.count > 0 { throw KernelError("only one of scales and sizes may be given") }
                let sizes = try sizesT.intValues()
                guard sizes.count == ax.count else { throw KernelError("sizes has \(sizes.count) values, expected \(ax.count)") }
                for (i, a) in ax.enumerated() {
                    guard sizes[i] >= 0 else { throw KernelError("sizes \(shapeText(sizes)) has a negative entry") }
                    outShape[a] = sizes[i]
                    scales[a] = x.shape[a] == 0 ? 1 : Double(sizes[i]) / Double(x.shape[a])
                }
                if policy != "stretch" {
                    let pick = ax.map { scales[$0] }
                    let s = policy == "not_larger" ? pick.min() ?? 1 : pick.max() ?? 1
                    for a in ax {
                        scales[a] = s
                        outShape[a] = Int((s * Double(x.shape[a]) + 0.5).rounded(.down))
                    }
                }
            } else if let scalesT, scalesT.count > 0 {
                guard scalesT.count == ax.count else { throw KernelError("scales has \(scalesT.count) values, expected \(ax.count)") }
                for (i, a) in ax.enumerated() {
                    let s = scalesT.doubleValue(at: i)
                    guard s > 0 && s.isFinite else { throw KernelError("scales must be positive and finite, got \(s)") }
                    scales[a] = s
                    let o = (s * Double(x.shape[a])).rounded(.down)
                    guard o < Double(1 << 40) else { throw KernelError("scale \(s) makes dim \(a) too large") }
                    outShape[a] = Int(o)
                }
            } else {
                throw KernelError("one of scales and sizes must be given")
            }
            _ = try Shapes.checked(outShape, what: "output shape")
            return [.tensor(try ResizeEngine.resize(x, outShape: outShape, scales: scales, rois: rois, options: options))]
        }
    }
}

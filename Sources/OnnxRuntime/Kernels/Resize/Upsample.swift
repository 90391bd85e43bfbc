import OnnxModel

extension NN {
    /// Upsample (deprecated since opset 10): nearest or (bi)linear with the asymmetric coordinate
    /// mapping; output dims floor(in * scale). Scales are attributes before opset 9 (height_scale /
    /// width_scale in opset 1), an input from opset 9.
    public struct Upsample: OpKernel {
        public static let sinceVersions = [1, 7, 9, 10]
        let options: ResizeEngine.Options
        let scalesAttr: [Float]?

        public init(_ node: NodeContext) throws {
            let modeName = try node.string("mode", default: "nearest")
            let mode: ResizeEngine.Mode
            switch modeName {
            case "nearest": mode = .nearest
            case "linear", "bilinear": mode = .linear
            default: throw KernelError("mode must be nearest or linear, got '\(modeName)'")
            }
            options = ResizeEngine.Options(mode: mode, coordinate: .asymmetric, nearest: .legacy, cubicA: -0.75,
                                           excludeOutside: false, antialias: false, extrapolation: 0)
            if node.sinceVersion < 7 {
                let h = try node.float("height_scale", default: 1), w = try node.float("width_scale", default: 1)
                scalesAttr = [1, 1, h, w]
            } else if node.sinceVersion < 9 {
                scalesAttr = try node.required("scales") { (n: String) throws(KernelError) in try node.floats(n) }
            } else {
                scalesAttr = nil
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let scales: [Double]
            if let scalesAttr { scales = scalesAttr.map { Double($0) } } else {
                let t = try inputs.tensor(1)
                scales = (0..<t.count).map { t.doubleValue(at: $0) }
            }
            guard scales.count == x.rank else { throw KernelError("scales has \(scales.count) values, X has rank \(x.rank)") }
            var outShape = x.shape
            for d in 0..<x.rank {
                guard scales[d] > 0 && scales[d].isFinite else { throw KernelError("scales must be positive and finite, got \(scales[d])") }
                let o = (scales[d] * Double(x.shape[d])).rounded(.down)
                guard o < Double(1 << 40) else { throw KernelError("scale \(scales[d]) makes dim \(d) too large") }
                outShape[d] = Int(o)
            }
            _ = try Shapes.checked(outShape, what: "output shape")
            let rois = [(Double, Double)](repeating: (0, 1), count: x.rank)
            return [.tensor(try ResizeEngine.resize(x, outShape: outShape, scales: scales, rois: rois, options: options))]
        }
    }
}

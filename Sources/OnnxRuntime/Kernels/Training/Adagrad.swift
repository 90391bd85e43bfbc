import OnnxModel

/// ai.onnx.preview.training Adagrad: for each (X, G, H): g = norm_coefficient·X + G,
/// H' = H + g², X' = X - r/(1 + T·decay_factor) · g / (√H' + epsilon). Outputs X'..., H'....
public struct Adagrad: OpKernel {
    public static let domain = Training.domain
    public static let sinceVersions = [1]
    let decay: Double
    let epsilon: Double
    let norm: Double

    public init(_ node: NodeContext) throws {
        decay = Double(try node.float("decay_factor", default: 0))
        epsilon = Double(try node.float("epsilon", default: 0))
        norm = Double(try node.float("norm_coefficient", default: 0))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (r, t, sets) = try Training.inputs(inputs, groups: 3, op: "Adagrad")
        let rate = r / (1 + Double(t) * decay)
        var xs: [Value] = [], hs: [Value] = []
        for s in sets {
            let x = Training.values(s[0]), g = Training.values(s[1]), h = Training.values(s[2])
            var xn = x, hn = h
            for i in 0..<x.count {
                let gr = norm * x[i] + g[i]
                hn[i] = h[i] + gr * gr
                xn[i] = x[i] - rate * gr / (hn[i].squareRoot() + epsilon)
            }
            xs.append(.tensor(try Training.tensor(xn, like: s[0])))
            hs.append(.tensor(try Training.tensor(hn, like: s[2])))
        }
        return xs + hs
    }
}

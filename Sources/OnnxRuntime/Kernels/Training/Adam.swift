import OnnxModel

/// ai.onnx.preview.training Adam: for each (X, G, V, H): g = norm_coefficient·X + G,
/// V' = αV + (1-α)g, H' = βH + (1-β)g², r' = r·√(1-β^T)/(1-α^T) when T > 0,
/// X' = (1 - norm_coefficient_post)·(X - r'·V'/(√H' + epsilon)). Outputs X'..., V'..., H'....
public struct Adam: OpKernel {
    public static let domain = Training.domain
    public static let sinceVersions = [1]
    let alpha: Double
    let beta: Double
    let epsilon: Double
    let norm: Double
    let normPost: Double

    public init(_ node: NodeContext) throws {
        alpha = Double(try node.float("alpha", default: 0.9))
        beta = Double(try node.float("beta", default: 0.999))
        epsilon = Double(try node.float("epsilon", default: 0))
        norm = Double(try node.float("norm_coefficient", default: 0))
        normPost = Double(try node.float("norm_coefficient_post", default: 0))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (r, t, sets) = try Training.inputs(inputs, groups: 4, op: "Adam")
        let rate = t > 0 ? r * (1 - Double.pow(beta, Double(t))).squareRoot() / (1 - Double.pow(alpha, Double(t))) : r
        var xs: [Value] = [], vs: [Value] = [], hs: [Value] = []
        for s in sets {
            let x = Training.values(s[0]), g = Training.values(s[1]), v = Training.values(s[2]), h = Training.values(s[3])
            var xn = x, vn = v, hn = h
            for i in 0..<x.count {
                let gr = norm * x[i] + g[i]
                vn[i] = alpha * v[i] + (1 - alpha) * gr
                hn[i] = beta * h[i] + (1 - beta) * gr * gr
                xn[i] = (1 - normPost) * (x[i] - rate * (vn[i] / (hn[i].squareRoot() + epsilon)))
            }
            xs.append(.tensor(try Training.tensor(xn, like: s[0])))
            vs.append(.tensor(try Training.tensor(vn, like: s[2])))
            hs.append(.tensor(try Training.tensor(hn, like: s[3])))
        }
        return xs + vs + hs
    }
}

import OnnxModel

/// ai.onnx.preview.training Momentum: for each (X, G, V): g = norm_coefficient·X + G,
/// V' = αV + β'g (β' = 1 on the first iteration, T = 0), then X' = X - r·V' ("standard") or
/// X' = X - r·(g + αV') ("nesterov"). Outputs X'..., V'....
public struct Momentum: OpKernel {
    public static let domain = Training.domain
    public static let sinceVersions = [1]
    let alpha: Double
    let beta: Double
    let norm: Double
    let nesterov: Bool

    public init(_ node: NodeContext) throws {
        alpha = Double(try node.required("alpha") { (n: String) throws(KernelError) in try node.float(n) })
        beta = Double(try node.required("beta") { (n: String) throws(KernelError) in try node.float(n) })
        norm = Double(try node.required("norm_coefficient") { (n: String) throws(KernelError) in try node.float(n) })
        switch try node.required("mode", { (n: String) throws(KernelError) in try node.string(n) }) {
        case "standard": nesterov = false
        case "nesterov": nesterov = true
        case let m: throw KernelError("mode '\(m)' is not one of standard, nesterov")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (r, t, sets) = try Training.inputs(inputs, groups: 3, op: "Momentum")
        let b = t > 0 ? beta : 1
        var xs: [Value] = [], vs: [Value] = []
        for s in sets {
            let x = Training.values(s[0]), g = Training.values(s[1]), v = Training.values(s[2])
            var xn = x, vn = v
            for i in 0..<x.count {
                let gr = norm * x[i] + g[i]
                vn[i] = alpha * v[i] + b * gr
                xn[i] = nesterov ? x[i] - r * (gr + alpha * vn[i]) : x[i] - r * vn[i]
            }
            xs.append(.tensor(try Training.tensor(xn, like: s[0])))
            vs.append(.tensor(try Training.tensor(vn, like: s[2])))
        }
        return xs + vs
    }
}

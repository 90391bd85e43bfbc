import OnnxModel

/// ai.onnx.ml TreeEnsembleRegressor (1 and 3; 3 adds the `*_as_tensor` attributes): per target,
/// the SUM, AVERAGE, MIN or MAX of the leaf weights the trees reach, plus base values, then the
/// post transform. Float output [N, n_targets].
public struct TreeEnsembleRegressor: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1, 3]
    let engine: TreeEnsembleEngine
    let aggregate: TreeEnsembleEngine.Aggregate
    let base: [Double]
    let post: ML.PostTransform

    static func aggregate(_ s: String) throws(KernelError) -> TreeEnsembleEngine.Aggregate {
        switch s {
        case "SUM": return .sum
        case "AVERAGE": return .average
        case "MIN": return .min
        case "MAX": return .max
        default: throw KernelError("aggregate_function '\(s)' is not one of SUM, AVERAGE, MIN, MAX")
        }
    }

    public init(_ node: NodeContext) throws {
        let targets = try node.int("n_targets", default: 0)
        guard targets > 0 else { throw KernelError("n_targets must be positive, got \(targets)") }
        engine = try TreeEnsembleEngine(legacy: node, prefix: "target", targets: targets)
        aggregate = try TreeEnsembleRegressor.aggregate(try node.string("aggregate_function", default: "SUM"))
        base = try ML.floatsOrTensor(node, "base_values") ?? []
        post = try ML.PostTransform.parse(node)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let xt = try inputs.tensor(0)
        let (n, c, x) = try TreeEnsembleEngine.features(xt)
        let y: [Float]
        if xt.dtype == .double {
            y = try engine.regress(x, n: n, c: c, aggregate, base: base, post: post, Double.self).map { Float($0) }
        } else {
            y = try engine.regress(x, n: n, c: c, aggregate, base: base, post: post, Float.self)
        }
        return [.tensor(Tensor(shape: [n, engine.targets], y))]
    }
}

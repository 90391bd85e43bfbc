import OnnxModel

/// ai.onnx.ml TreeEnsemble (5): the tree ensemble with nodes and leaves in separate arrays,
/// BRANCH_MEMBER set tests (`membership_values`, sets separated by NaN), integer
/// aggregate_function (0 AVERAGE, 1 SUM, 2 MIN, 3 MAX) and post_transform codes. The output has
/// X's type, [N, n_targets].
public struct TreeEnsemble: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [5]
    let aggregate: TreeEnsembleEngine.Aggregate
    let post: ML.PostTransform
    /// Parsed once with the attributes' own types; thresholds are compared in Double.
    let engine: TreeEnsembleEngine

    public init(_ node: NodeContext) throws {
        switch try node.int("aggregate_function", default: 1) {
        case 0: aggregate = .average
        case 1: aggregate = .sum
        case 2: aggregate = .min
        case 3: aggregate = .max
        case let a: throw KernelError("aggregate_function \(a) is not in 0...3")
        }
        post = try ML.PostTransform(code: try node.int("post_transform", default: 0))
        engine = try TreeEnsembleEngine(v5: node, dtype: .float)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let xt = try inputs.tensor(0)
        let (n, c, x) = try TreeEnsembleEngine.features(xt)
        let shape = [n, engine.targets]
        switch xt.dtype {
        case .double:
            return [.tensor(Tensor(shape: shape, try engine.regress(x, n: n, c: c, aggregate, base: [], post: post, Double.self)))]
        case .float:
            return [.tensor(Tensor(shape: shape, try engine.regress(x, n: n, c: c, aggregate, base: [], post: post, Float.self)))]
        case .float16:
            let y = try engine.regress(x, n: n, c: c, aggregate, base: [], post: post, Float.self)
            return [.tensor(try Cast.convert(Tensor(shape: shape, y), to: .float16))]
        default:
            throw KernelError("X must be float, double or float16, got \(xt.dtype.name)")
        }
    }
}

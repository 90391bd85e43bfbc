import OnnxModel

/// ai.onnx.ml LinearRegressor: Y = X · coefficientsᵀ + intercepts, [N, targets], then the post
/// transform (with one target only PROBIT applies).
public struct LinearRegressor: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let coefficients: [Float]
    let intercepts: [Float]
    let targets: Int
    let post: ML.PostTransform

    public init(_ node: NodeContext) throws {
        coefficients = try node.floats("coefficients") ?? []
        intercepts = try node.floats("intercepts") ?? []
        targets = try node.int("targets", default: 1)
        post = try ML.PostTransform.parse(node)
        guard targets > 0 else { throw KernelError("targets must be positive, got \(targets)") }
        guard intercepts.isEmpty || intercepts.count == targets else {
            throw KernelError("\(intercepts.count) intercepts for \(targets) targets")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (n, f, x) = try ML.rows(try inputs.tensor(0))
        guard coefficients.count == targets * f else {
            throw KernelError("\(coefficients.count) coefficients do not make \(targets) target(s) of \(f) features")
        }
        var y = LinearClassifier.compute(x: x, n: n, f: f, coefficients: coefficients, intercepts: intercepts, classes: targets)
        if post != .none { ML.updateScores(&y, batches: n, width: targets, post, second: nil) }
        return [.tensor(Tensor(shape: [n, targets], y))]
    }
}

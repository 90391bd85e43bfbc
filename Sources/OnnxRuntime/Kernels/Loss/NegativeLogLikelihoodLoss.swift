/// NegativeLogLikelihoodLoss: -input[n, target[n, d...], d...] times the class weight, reduced by
/// `reduction` (mean weighted by the weights of the targets that count, sum, none).
public struct NegativeLogLikelihoodLoss: OpKernel {
    public static let sinceVersions = [12, 13, 22]
    let reduction: String
    let ignoreIndex: Int?

    public init(_ node: NodeContext) throws {
        reduction = try node.string("reduction", default: "mean")
        ignoreIndex = try node.int("ignore_index")
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try NLL.loss(try inputs.tensor(0), try inputs.tensor(1), weight: try inputs.optionalTensor(2), reduction: reduction, ignoreIndex: ignoreIndex))]
    }
}

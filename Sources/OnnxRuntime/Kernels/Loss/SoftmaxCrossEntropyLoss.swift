/// SoftmaxCrossEntropyLoss: NLL of log_softmax(scores) over the class dim (1); the second output is
/// that log-probability tensor.
public struct SoftmaxCrossEntropyLoss: OpKernel {
    public static let sinceVersions = [12, 13]
    let reduction: String
    let ignoreIndex: Int?

    public init(_ node: NodeContext) throws {
        reduction = try node.string("reduction", default: "mean")
        ignoreIndex = try node.int("ignore_index")
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank >= 2 else { throw KernelError("scores must be [N, C, ...], got \(shapeText(x.shape))") }
        let family = SoftmaxFamily(axis: 1, legacy: false, kind: .logSoftmax)
        let logProb = try family.apply(x, outer: x.shape[0], n: x.shape[1], inner: Tensor.elementCount(Array(x.shape[2...])))
        let loss = try NLL.loss(logProb, try inputs.tensor(1), weight: try inputs.optionalTensor(2), reduction: reduction, ignoreIndex: ignoreIndex)
        return [.tensor(loss), .tensor(logProb)]
    }
}

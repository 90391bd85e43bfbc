import OnnxModel

extension NN {
    /// GroupNormalization: channels split into num_groups groups normalised per sample; scale and
    /// bias are per group in opset 18 and per channel from opset 21.
    public struct GroupNormalization: OpKernel {
        public static let sinceVersions = [18, 21]
        let epsilon: Float
        let groups: Int
        let perChannel: Bool

        public init(_ node: NodeContext) throws {
            epsilon = try node.float("epsilon", default: 1e-5)
            groups = try node.required("num_groups") { (n: String) throws(KernelError) in try node.int(n) }
            perChannel = node.sinceVersion >= 21
            guard groups >= 1 else { throw KernelError("num_groups must be positive, got \(groups)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), scale = try inputs.tensor(1), bias = try inputs.tensor(2)
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2, got \(shapeText(x.shape))") }
            let c = x.shape[1]
            guard c % groups == 0 else { throw KernelError("\(c) channels are not divisible by num_groups \(groups)") }
            let want = perChannel ? c : groups
            guard scale.count == want, bias.count == want else {
                throw KernelError("scale \(shapeText(scale.shape)) and bias \(shapeText(bias.shape)) must have \(want) entries")
            }
            let eps = Double(epsilon), groups = self.groups, perChannel = self.perChannel
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return [try GroupStats.apply(xc, groups: groups, scale, bias, perChannel: perChannel, eps: eps, Double.self)] }
                return [try GroupStats.apply(xc, groups: groups, scale, bias, perChannel: perChannel, eps: eps, Float.self)]
            }
            return [.tensor(outs[0])]
        }
    }
}

import OnnxModel

extension NN {
    /// RMSNormalization: y = x / sqrt(mean(x^2 over dims [axis, rank)) + epsilon) * scale.
    public struct RMSNormalization: OpKernel {
        public static let sinceVersions = [23]
        let axis: Int
        let epsilon: Float

        public init(_ node: NodeContext) throws {
            axis = try node.int("axis", default: -1)
            epsilon = try node.float("epsilon", default: 1e-5)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let scale = try inputs.tensor(1)
            let a = try Shapes.axis(axis, rank: x.rank)
            let eps = Double(epsilon), threads = context.threads
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return try RowNorm.apply(xc, scale, nil, axis: a, eps: eps, rms: true, threads: threads, Double.self) }
                return try RowNorm.apply(xc, scale, nil, axis: a, eps: eps, rms: true, threads: threads, Float.self)
            }
            return [.tensor(outs[0])]
        }
    }
}

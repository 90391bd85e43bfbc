import OnnxModel

extension NN {
    /// LpPool: (sum over each window of |x|^p)^(1/p). `p` is a float before opset 2, an int after;
    /// ceil_mode and dilations from opset 18.
    public struct LpPool: OpKernel {
        public static let sinceVersions = [1, 2, 11, 18, 22]
        let spec: PoolSpec
        let p: Double

        public init(_ node: NodeContext) throws {
            spec = try PoolSpec(node, dilations: true)
            if node.sinceVersion < 2 {
                p = Double(try node.float("p", default: 2))
            } else {
                p = Double(try node.int("p", default: 2))
            }
            guard p > 0 else { throw KernelError("p must be positive, got \(p)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            try ConvTypes.check(x, "X")
            let geo = try spec.geometry(x)
            return [.tensor(try SumPool.run(x, geo, includePad: true, power: p, threads: context.threads))]
        }
    }
}

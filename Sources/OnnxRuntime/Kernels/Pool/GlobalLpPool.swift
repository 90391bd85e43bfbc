import OnnxModel

extension NN {
    /// GlobalLpPool: (sum of |x|^p over each (N, C) plane)^(1/p); `p` is a float before opset 2.
    public struct GlobalLpPool: OpKernel {
        public static let sinceVersions = [1, 2, 22]
        let p: Double

        public init(_ node: NodeContext) throws {
            p = node.sinceVersion < 2 ? Double(try node.float("p", default: 2)) : Double(try node.int("p", default: 2))
            guard p > 0 else { throw KernelError("p must be positive, got \(p)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            [.tensor(try GlobalPool.run(try inputs.tensor(0), .lp(p)))]
        }
    }
}

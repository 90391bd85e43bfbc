import OnnxModel

extension NN {
    /// GlobalMaxPool: the maximum of each (N, C) plane.
    public struct GlobalMaxPool: OpKernel {
        public static let sinceVersions = [1, 22]
        public init(_ node: NodeContext) throws {}
        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            [.tensor(try GlobalPool.run(try inputs.tensor(0), .max))]
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// HammingWindow: 25/46 - 21/46 cos(2 pi n / N), N = size (periodic) or size - 1.
    public struct HammingWindow: OpKernel {
        public static let sinceVersions = [17]
        let op: Spectral.WindowOp

        public init(_ node: NodeContext) throws {
            op = try Spectral.WindowOp(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let alpha = 25.0 / 46.0
            return try op.run(inputs) { i, p in alpha - cos(2 * Double.pi * i / p) * (1 - alpha) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// BlackmanWindow: 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N), N = size (periodic) or size - 1.
    public struct BlackmanWindow: OpKernel {
        public static let sinceVersions = [17]
        let op: Spectral.WindowOp

        public init(_ node: NodeContext) throws {
            op = try Spectral.WindowOp(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            return try op.run(inputs) { i, p in
                0.42 - 0.5 * cos(2 * Double.pi * i / p) + 0.08 * cos(4 * Double.pi * i / p)
            }
        }
    }
}

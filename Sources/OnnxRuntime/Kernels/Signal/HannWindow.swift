#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// HannWindow: sin^2(pi n / N), N = size (periodic) or size - 1.
    public struct HannWindow: OpKernel {
        public static let sinceVersions = [17]
        let op: Spectral.WindowOp

        public init(_ node: NodeContext) throws {
            op = try Spectral.WindowOp(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            return try op.run(inputs) { i, p in let s = sin(Double.pi * i / p); return s * s }
        }
    }
}

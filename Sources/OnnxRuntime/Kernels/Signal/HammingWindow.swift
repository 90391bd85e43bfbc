#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// HammingWindow: 25/46 - 21/46 cos(2 pi n / N), N = size (periodic) or size - 1.
    public struct HammingWindow: OpKernel {
        public static let sinceVersions = [17]
        let periodic: Bool
        let outputType: DataType

        public init(_ node: NodeContext) throws {
            periodic = try node.int("periodic", default: 1) != 0
            outputType = try Spectral.outputType(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let n = try Spectral.size(try inputs.tensor(0), "size")
            let alpha = 25.0 / 46.0
            let w = Spectral.window(n, periodic: periodic) { i, p in alpha - cos(2 * Double.pi * i / p) * (1 - alpha) }
            return [.tensor(try Cast.convert(Tensor(shape: [n], w), to: outputType))]
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// HannWindow: sin^2(pi n / N), N = size (periodic) or size - 1.
    public struct HannWindow: OpKernel {
        public static let sinceVersions = [17]
        let periodic: Bool
        let outputType: DataType

        public init(_ node: NodeContext) throws {
            periodic = try node.int("periodic", default: 1) != 0
            outputType = try Spectral.outputType(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let n = try Spectral.size(try inputs.tensor(0), "size")
            let w = Spectral.window(n, periodic: periodic) { i, p in let s = sin(Double.pi * i / p); return s * s }
            return [.tensor(try Cast.convert(Tensor(shape: [n], w), to: outputType))]
        }
    }
}

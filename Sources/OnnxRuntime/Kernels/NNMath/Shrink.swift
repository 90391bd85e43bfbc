import OnnxModel

extension NN {
    /// Shrink: x + bias where x < -lambd, x - bias where x > lambd, else 0 (any numeric type; the
    /// arithmetic runs in double and converts back).
    public struct Shrink: OpKernel {
        public static let sinceVersions = [9]
        let bias: Double
        let lambd: Double

        public init(_ node: NodeContext) throws {
            bias = Double(try node.float("bias", default: 0))
            lambd = Double(try node.float("lambd", default: 0.5))
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            guard x.dtype.isNativeNumeric || x.dtype.isReducedFloat else { throw KernelError.unsupported("input type \(x.dtype.name) is not supported") }
            let (bias, lambd) = (self.bias, self.lambd)
            if x.dtype == .float {
                let (b, l) = (Float(bias), Float(lambd))
                return [.tensor(Elementwise.map(x, to: .float, Float.self, Float.self) { v in v < -l ? v + b : (v > l ? v - b : 0) })]
            }
            let xd = try Cast.convert(x, to: .double)
            let y = Elementwise.map(xd, to: .double, Double.self, Double.self) { v in v < -lambd ? v + bias : (v > lambd ? v - bias : 0) }
            return [.tensor(try Cast.convert(y, to: x.dtype))]
        }
    }
}

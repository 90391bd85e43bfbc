import OnnxModel

extension Recent {
    /// SwiGLU: Y = A · sigmoid(alpha · A) · B for equal-shaped A (gate) and B (value). Reduced
    /// float types round after each step like the reference does in their own precision.
    public struct SwiGLU: OpKernel {
        public static let sinceVersions = [28]
        let alpha: Float

        public init(_ node: NodeContext) throws { alpha = try node.float("alpha", default: 1) }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let a = try inputs.tensor(0), b = try inputs.tensor(1)
            guard a.shape == b.shape else { throw KernelError("A \(shapeText(a.shape)) and B \(shapeText(b.shape)) must have the same shape") }
            guard a.dtype == b.dtype else { throw KernelError("A is \(a.dtype.name), B is \(b.dtype.name)") }
            if a.dtype == .double {
                let x = a.elements(as: Double.self), y = b.elements(as: Double.self), al = Double(alpha)
                return [.tensor(Tensor(shape: a.shape, (0..<x.count).map { i in x[i] * (1 / (1 + Double.exp(-al * x[i]))) * y[i] }))]
            }
            let x = try Recent.floats(a, what: "A"), y = try Recent.floats(b, what: "B")
            let round: (Float) -> Float
            switch a.dtype {
            case .float16: round = { Float(Float16($0)) }
            case .bfloat16: round = { FloatFormats.bfloat16ToFloat(FloatFormats.floatToBFloat16($0)) }
            default: round = { $0 }
            }
            let out = (0..<x.count).map { i in round(round(x[i] * round(1 / (1 + Float.exp(-alpha * x[i])))) * y[i]) }
            return [.tensor(try Recent.tensor(out, a.shape, a.dtype))]
        }
    }
}

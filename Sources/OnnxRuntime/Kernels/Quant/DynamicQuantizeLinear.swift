import OnnxModel

extension NN {
    /// DynamicQuantizeLinear: uint8 quantization of a float tensor with a range that always
    /// includes 0: scale = (max(0, max x) - min(0, min x)) / 255, zero point =
    /// round(clip(-min / scale, 0, 255)), y = clip(round(x / scale) + zero point, 0, 255).
    public struct DynamicQuantizeLinear: OpKernel {
        public static let sinceVersions = [11]

        public init(_ node: NodeContext) throws {}

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            guard x.dtype == .float || x.dtype.isReducedFloat || x.dtype == .double else {
                throw KernelError.unsupported("input type \(x.dtype.name) is not supported")
            }
            let v = try QuantSupport.floats(x)
            var lo: Float = 0, hi: Float = 0
            for f in v where !f.isNaN { lo = Swift.min(lo, f); hi = Swift.max(hi, f) }
            let scale: Float = (hi == lo ? 1 : hi - lo) / 255
            let zp = Swift.max(0, Swift.min(255, 0 - lo / scale)).rounded(.toNearestOrEven)
            let y = Tensor.make(.uint8, x.shape, as: UInt8.self) { d in
                for i in 0..<v.count {
                    let q = (v[i] / scale).rounded(.toNearestOrEven) + zp
                    d[i] = q.isNaN ? 0 : UInt8(Swift.min(Swift.max(q, 0), 255))
                }
            }
            return [.tensor(y), .tensor(try Cast.convert(Tensor(shape: [], [scale]), to: x.dtype)), .tensor(Tensor(dtype: .uint8, shape: [], [UInt8(zp)]))]
        }
    }
}

import OnnxModel

/// Kernels of ops added in the latest opsets (24 and later) that no other family covers:
/// BitCast, TensorScatter, SwiGLU, CausalConvWithState, LinearAttention. They live in the
/// `Recent` namespace (`Recent.BitCast` is the kernel of op "BitCast").
public enum Recent {
    /// Float-family tensors as Float values (float16/bfloat16 widened), for kernels that compute
    /// in float32 and round back.
    static func floats(_ x: Tensor, what: String) throws(KernelError) -> [Float] {
        switch x.dtype {
        case .float: return x.elements(as: Float.self)
        case .float16, .bfloat16, .double: return (0..<x.count).map { Float(x.doubleValue(at: $0)) }
        default: throw KernelError("\(what) must be float16, bfloat16, float or double, got \(x.dtype.name)")
        }
    }

    /// Float values back to `dtype` (float, float16, bfloat16; double goes through `doubles`).
    static func tensor(_ v: [Float], _ shape: [Int], _ dtype: DataType) throws(KernelError) -> Tensor {
        let t = Tensor(shape: shape, v)
        return dtype == .float ? t : try Cast.convert(t, to: dtype)
    }
}

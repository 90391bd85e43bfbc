import OnnxModel

/// Shared by the ai.onnx.preview.training optimizers: the scalar inputs R (learning rate) and T
/// (iteration count), and the per-tensor groups that follow them.
enum Training {
    static let domain = "ai.onnx.preview.training"

    /// R and T, then `groups` lists of n tensors each (X, G, and the optimizer's state tensors).
    static func inputs(_ inputs: [Value?], groups: Int, op: String) throws(KernelError) -> (r: Double, t: Int, sets: [[Tensor]]) {
        let count = inputs.count - 2
        guard count > 0, count % groups == 0 else {
            throw KernelError("\(op) takes R, T and \(groups) groups of tensors, got \(inputs.count) inputs")
        }
        let rt = try inputs.tensor(0), tt = try inputs.tensor(1)
        guard rt.count == 1, tt.count == 1 else { throw KernelError("R and T must be scalars") }
        guard rt.dtype == .float || rt.dtype == .double else { throw KernelError("R must be float or double, got \(rt.dtype.name)") }
        let n = count / groups
        var sets: [[Tensor]] = []
        for i in 0..<n {
            var set: [Tensor] = []
            for g in 0..<groups {
                let x = try inputs.tensor(2 + g * n + i)
                guard x.dtype == .float || x.dtype == .double else { throw KernelError("input \(2 + g * n + i) must be float or double, got \(x.dtype.name)") }
                if let first = set.first, first.shape != x.shape {
                    throw KernelError("input \(2 + g * n + i) has shape \(shapeText(x.shape)), expected \(shapeText(first.shape))")
                }
                set.append(x)
            }
            sets.append(set)
        }
        return (rt.doubleValue(at: 0), try tt.intValues()[0], sets)
    }

    static func values(_ t: Tensor) -> [Double] { (0..<t.count).map { t.doubleValue(at: $0) } }

    static func tensor(_ v: [Double], like x: Tensor) throws(KernelError) -> Tensor {
        let d = Tensor(shape: x.shape, v)
        return x.dtype == .double ? d : try Cast.convert(d, to: x.dtype)
    }
}

import OnnxModel

/// The negative log-likelihood computation shared by NegativeLogLikelihoodLoss and
/// SoftmaxCrossEntropyLoss (on log-probabilities), following the reference's weighting rules.
enum NLL {
    static func loss(_ x: Tensor, _ target: Tensor, weight: Tensor?, reduction: String, ignoreIndex: Int?) throws(KernelError) -> Tensor {
        guard x.rank >= 2 else { throw KernelError("input must be [N, C, ...], got \(shapeText(x.shape))") }
        let n = x.shape[0], c = x.shape[1]
        let d = Tensor.elementCount(Array(x.shape[2...]))
        guard target.shape == [n] + Array(x.shape[2...]) else {
            throw KernelError("target \(shapeText(target.shape)) does not match input \(shapeText(x.shape))")
        }
        let xv = try Cast.convert(x, to: .double).elements(as: Double.self)
        let tv = try target.intValues()
        let wv = try weight.map { w throws(KernelError) -> [Double] in
            guard w.count == c else { throw KernelError("weight has \(w.count) values for \(c) classes") }
            return try Cast.convert(w, to: .double).elements(as: Double.self)
        }
        var loss = [Double](repeating: 0, count: n * d)
        var weights = [Double](repeating: 1, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                let t = tv[i * d + j]
                if let ig = ignoreIndex, t == ig {
                    weights[i * d + j] = 0
                    continue
                }
                guard t >= 0 && t < c else { throw KernelError("target \(t) is out of range for \(c) classes") }
                let w = wv?[t] ?? 1
                weights[i * d + j] = w
                loss[i * d + j] = -xv[(i * c + t) * d + j] * w
            }
        }
        let out: Tensor
        switch reduction {
        case "none": out = Tensor(shape: target.shape, loss)
        case "sum": out = .scalar(loss.reduce(0, +))
        case "mean":
            let total = loss.reduce(0, +)
            if wv == nil && ignoreIndex == -1 {
                out = .scalar(total / Double(max(loss.count, 1)))
            } else {
                out = .scalar(total / weights.reduce(0, +))
            }
        default: throw KernelError("reduction '\(reduction)' is not none, sum or mean")
        }
        return try Cast.convert(out, to: x.dtype)
    }
}

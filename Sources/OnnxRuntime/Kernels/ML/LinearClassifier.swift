#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

/// ai.onnx.ml LinearClassifier: scores = X * coefficientsᵀ + intercepts, then the post transform
/// (NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT); the label is the class with the top score.
public struct LinearClassifier: OpKernel {
    public static let domain = "ai.onnx.ml"
    public static let sinceVersions = [1]
    let coefficients: [Float]
    let intercepts: [Float]
    let labelsInt: [Int64]?
    let labelsString: [String]?
    let post: String

    public init(_ node: NodeContext) throws {
        coefficients = try node.required("coefficients") { (n: String) throws(KernelError) in try node.floats(n) }
        intercepts = try node.floats("intercepts") ?? []
        labelsInt = try node.ints("classlabels_ints").map { $0.map { Int64($0) } }
        labelsString = try node.strings("classlabels_strings")
        post = try node.string("post_transform", default: "NONE")
        guard ["NONE", "LOGISTIC", "SOFTMAX", "SOFTMAX_ZERO", "PROBIT"].contains(post) else { throw KernelError("post_transform '\(post)' is not supported") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x0 = try inputs.tensor(0)
        let x = try Cast.convert(x0.rank == 1 ? x0.reshaped([1, x0.count]) : x0, to: .float)
        guard x.rank == 2 else { throw KernelError("X must be 2-D, got \(shapeText(x0.shape))") }
        let (n, f) = (x.shape[0], x.shape[1])
        guard f > 0, coefficients.count % f == 0 else { throw KernelError("\(coefficients.count) coefficients do not fit \(f) features") }
        let classes = coefficients.count / f
        let xv = x.elements(as: Float.self)
        var scores = [Float](repeating: 0, count: n * classes)
        for i in 0..<n {
            for k in 0..<classes {
                var s: Float = intercepts.count == classes ? intercepts[k] : 0
                for j in 0..<f { s += xv[i * f + j] * coefficients[k * f + j] }
                scores[i * classes + k] = s
            }
        }
        var width = classes
        let nLabels = max(labelsInt?.count ?? 0, labelsString?.count ?? 0)
        if classes == 1 && nLabels == 2 {
            scores = scores.flatMap { [-$0, $0] }
            width = 2
        }
        for i in 0..<n {
            let row = i * width
            switch post {
            case "LOGISTIC": for k in 0..<width { scores[row + k] = 1 / (1 + expf(-scores[row + k])) }
            case "SOFTMAX", "SOFTMAX_ZERO":
                let m = scores[row..<(row + width)].max() ?? 0
                var sum: Float = 0
                for k in 0..<width {
                    let v = (post == "SOFTMAX_ZERO" && scores[row + k] == 0) ? 0 : expf(scores[row + k] - m)
                    scores[row + k] = v
                    sum += v
                }
                if sum > 0 { for k in 0..<width { scores[row + k] /= sum } }
            case "PROBIT": for k in 0..<width { scores[row + k] = Float(2).squareRoot() * LinearClassifier.erfinv(2 * scores[row + k] - 1) }
            default: break
            }
        }
        var labelIndex = [Int](repeating: 0, count: n)
        for i in 0..<n {
            if width > 1 {
                var best = 0
                for k in 1..<width where scores[i * width + k] > scores[i * width + best] { best = k }
                labelIndex[i] = best
            } else {
                labelIndex[i] = scores[i] >= (post == "NONE" ? 0 : 0.5) ? 0 : -1
            }
        }
        let label: Tensor
        if let ls = labelsString {
            label = Tensor(strings: labelIndex.map { $0 >= 0 && $0 < ls.count ? ls[$0] : "" }, shape: [n])
        } else if let li = labelsInt {
            label = Tensor(shape: [n], labelIndex.map { $0 >= 0 && $0 < li.count ? li[$0] : 0 })
        } else {
            label = Tensor(shape: [n], labelIndex.map { Int64(max($0, 0)) })
        }
        return [.tensor(label), .tensor(Tensor(shape: [n, width], scores))]
    }

    /// Inverse error function (Giles' approximation), for PROBIT.
    static func erfinv(_ x: Float) -> Float {
        var w = -logf((1 - x) * (1 + x)), p: Float
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            for c: Float in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941] { p = c + p * w }
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            for c: Float in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682] { p = c + p * w }
        }
        return p * x
    }
}

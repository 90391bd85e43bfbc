import OnnxModel

/// ai.onnx.ml LinearClassifier: scores = X · coefficientsᵀ + intercepts ([N, classes]), the label
/// is the class with the top raw score, then `post_transform` rewrites the scores. One class with
/// two labels is a binary classifier: label = score > 0, and the scores grow to [1 - s, s].
public struct LinearClassifier: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let coefficients: [Float]
    let intercepts: [Float]
    let labelsInt: [Int64]?
    let labelsString: [String]?
    let post: ML.PostTransform

    public init(_ node: NodeContext) throws {
        coefficients = try node.required("coefficients") { (n: String) throws(KernelError) in try node.floats(n) }
        intercepts = try node.floats("intercepts") ?? []
        let s = try node.strings("classlabels_strings") ?? []
        let i = try ML.int64s(node, "classlabels_ints") ?? []
        labelsString = s.isEmpty ? nil : s
        labelsInt = s.isEmpty ? i : nil
        post = try ML.PostTransform.parse(node)
        guard !coefficients.isEmpty else { throw KernelError("coefficients is empty") }
    }

    static func compute(x: [Float], n: Int, f: Int, coefficients: [Float], intercepts: [Float], classes: Int) -> [Float] {
        var scores = [Float](repeating: 0, count: n * classes)
        coefficients.withUnsafeBufferPointer { w in
            x.withUnsafeBufferPointer { xv in
                for i in 0..<n {
                    for k in 0..<classes {
                        var s: Float = 0
                        for j in 0..<f { s += xv[i * f + j] * w[k * f + j] }
                        scores[i * classes + k] = s + (intercepts.isEmpty ? 0 : intercepts[k])
                    }
                }
            }
        }
        return scores
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (n, f, x) = try ML.rows(try inputs.tensor(0))
        let classes = intercepts.isEmpty ? (f > 0 ? coefficients.count / f : 0) : intercepts.count
        guard classes > 0, coefficients.count == classes * f else {
            throw KernelError("\(coefficients.count) coefficients do not make \(classes) classes of \(f) features")
        }
        var scores = LinearClassifier.compute(x: x, n: n, f: f, coefficients: coefficients, intercepts: intercepts, classes: classes)
        let labelCount = labelsString?.count ?? labelsInt?.count ?? 0
        let label: Tensor
        if classes == 1 {
            let positive = (0..<n).map { scores[$0] > 0 }
            if let ls = labelsString {
                let (p, q) = ls.count == 2 ? (ls[1], ls[0]) : ("1", "0")
                label = Tensor(strings: positive.map { $0 ? p : q }, shape: [n])
            } else {
                let li = labelsInt ?? []
                let (p, q): (Int64, Int64) = li.count == 2 ? (li[1], li[0]) : (1, 0)
                label = Tensor(shape: [n], positive.map { $0 ? p : q })
            }
        } else {
            guard labelCount >= classes || labelCount == 0 else {
                throw KernelError("\(labelCount) class labels for \(classes) classes")
            }
            var best = [Int](repeating: 0, count: n)
            for i in 0..<n {
                var m = scores[i * classes]
                for k in 1..<classes where scores[i * classes + k] > m { m = scores[i * classes + k]; best[i] = k }
            }
            label = ML.labels(best, strings: labelsString, ints: labelsInt)
        }
        let secondClass = classes == 1 && labelCount == 2
        let width = secondClass ? 2 : classes
        if secondClass { scores += [Float](repeating: 0, count: n) }
        if post != .none || secondClass {
            ML.updateScores(&scores, batches: n, width: classes, post, second: secondClass ? .complement : nil)
        }
        return [.tensor(label), .tensor(Tensor(shape: [n, width], scores))]
    }
}

import OnnxModel

/// ai.onnx.ml TreeEnsembleClassifier (1 and 3; 3 adds the `*_as_tensor` attributes): class scores
/// summed over the trees' leaves plus base values, the top class as the label, then the post
/// transform. Two classes whose leaves all weigh one class are a binary classifier: the label
/// compares that score with 0.5 (all weights positive) or 0, and the score expands to two
/// columns as onnxruntime does.
public struct TreeEnsembleClassifier: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1, 3]
    let engine: TreeEnsembleEngine
    let base: [Double]
    let post: ML.PostTransform
    let labelsString: [String]?
    let labelsInt: [Int64]
    let binaryCase: Bool
    let allPositive: Bool

    public init(_ node: NodeContext) throws {
        let s = try node.strings("classlabels_strings") ?? []
        let i = try ML.int64s(node, "classlabels_int64s") ?? []
        guard s.isEmpty != i.isEmpty else { throw KernelError("needs exactly one of classlabels_strings and classlabels_int64s") }
        labelsString = s.isEmpty ? nil : s
        labelsInt = s.isEmpty ? i : (0..<Int64(s.count)).map { $0 }
        let classes = labelsInt.count
        engine = try TreeEnsembleEngine(legacy: node, prefix: "class", targets: classes)
        base = try ML.floatsOrTensor(node, "base_values") ?? []
        post = try ML.PostTransform.parse(node)
        let ids = try node.ints("class_ids") ?? []
        let weights = try ML.floatsOrTensor(node, "class_weights") ?? []
        allPositive = weights.allSatisfy { $0 >= 0 }
        binaryCase = classes == 2 && Set(ids).count == 1
    }

    /// Binary label rule; returns the label index and how a single score expands (0...3, or -1).
    func binaryLabel(_ s0: Float, _ has0: Bool, _ s1: Float, _ has1: Bool) -> (label: Int64, second: Int) {
        let pos: Float = has1 ? s1 : (has0 ? s0 : 0)
        if binaryCase {
            if allPositive { return pos > 0.5 ? (labelsInt[1], 0) : (labelsInt[0], 1) }
            return pos > 0 ? (labelsInt[1], 2) : (labelsInt[0], 3)
        }
        return (pos > 0 ? 1 : 0, -1)
    }

    /// Scores after the post transform for one row: two or more values are transformed as a row,
    /// one value expands per `second` (see `ML.updateScores`).
    func write(_ values: [Float], second: Int) -> [Float] {
        var v = values
        if v.count >= 2 {
            var s = v[...]
            ML.transformRow(&s, post)
            return Array(s)
        }
        if post == .probit { return [ML.probit(v[0])] }
        switch second {
        case 0, 1:
            let p = post == .logistic ? ML.logistic(v[0]) : v[0]
            v = [1 - p, p]
        case 2, 3: v = post == .logistic ? [ML.logistic(-v[0]), ML.logistic(v[0])] : [-v[0], v[0]]
        default: break
        }
        return v
    }

    func classify<A: FloatElement>(_ x: [Double], n: Int, c: Int, _: A.Type) throws(KernelError) -> (labels: [Int64], scores: [Float]) {
        let (raw, hasRaw) = try engine.aggregate(x, n: n, c: c, .sum, A.self)
        let k = labelsInt.count
        var labels = [Int64](repeating: 0, count: n)
        var out = [Float](repeating: 0, count: n * k)
        for r in 0..<n {
            var s = Array(raw[(r * k)..<((r + 1) * k)])
            var has = Array(hasRaw[(r * k)..<((r + 1) * k)])
            var second = -1
            if k == 1 {
                // One class: a single score with the binary label rule.
                var v = s[0]
                var s1: A = 0, has1 = false
                if base.count == 2 { v += A(base[1]); s1 = v; has1 = true } else if base.count == 1 { v += A(base[0]) }
                let b = binaryLabel(Float((base.count == 2 ? -s1 : v).asDouble), true, Float(s1.asDouble), has1)
                labels[r] = b.label
                let w = write(base.count == 2 ? [Float((-s1).asDouble), Float(s1.asDouble)] : [Float(v.asDouble)], second: b.second)
                out[r] = w[0]
                continue
            }
            if k > 2 {
                for j in 0..<min(base.count, k) {
                    if has[j] { s[j] += A(base[j]) } else { s[j] = A(base[j]); has[j] = true }
                }
                var best = -1
                for j in 0..<k where has[j] && (best < 0 || s[j] > s[best]) { best = j }
                labels[r] = labelsInt[max(best, 0)]
            } else {
                var count = 2
                if base.count == 2 {
                    if has[1] {
                        s[1] = A(base[1]) + s[0]
                        s[0] = -s[1]
                    } else {
                        s[1] += A(base[1])
                        s[0] += A(base[0])
                    }
                } else if base.count == 1 {
                    s[0] += A(base[0])
                    if !has[1] { count = 1 }
                } else if base.isEmpty {
                    second = 3
                    if !has[1] { count = 1 }
                }
                let b = count == 2 && has[1]
                    ? binaryLabel(Float(s[0].asDouble), has[0], Float(s[1].asDouble), has[1])
                    : binaryLabel(Float(s[0].asDouble), has[0], 0, false)
                labels[r] = b.label
                if b.second >= 0 || binaryCase { second = b.second }
                let values = (0..<count).map { j in has[j] ? Float(s[j].asDouble) : 0 }
                let w = write(values, second: second)
                for j in 0..<min(w.count, k) { out[r * k + j] = w[j] }
                continue
            }
            let values = (0..<k).map { j in has[j] ? Float(s[j].asDouble) : 0 }
            let w = write(values, second: -1)
            for j in 0..<k { out[r * k + j] = w[j] }
        }
        return (labels, out)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let xt = try inputs.tensor(0)
        let (n, c, x) = try TreeEnsembleEngine.features(xt)
        let (labels, scores) = xt.dtype == .double
            ? try classify(x, n: n, c: c, Double.self)
            : try classify(x, n: n, c: c, Float.self)
        let label: Tensor
        if let ls = labelsString {
            label = Tensor(strings: labels.map { $0 >= 0 && $0 < Int64(ls.count) ? ls[Int($0)] : "" }, shape: [n])
        } else {
            label = Tensor(shape: [n], labels)
        }
        return [.tensor(label), .tensor(Tensor(shape: [n, labelsInt.count], scores))]
    }
}

import OnnxModel

/// ai.onnx.ml SVMClassifier. With support vectors (libsvm): one-vs-one decision values
/// Σ coef K(x, sv) + rho for every class pair, votes for the label, and with prob_a/prob_b the
/// pairwise Platt probabilities coupled into class probabilities (Wu, Lin and Weng's method).
/// Without support vectors (liblinear): x·coefficientsᵀ + rho per class. Scores and labels in
/// the binary cases follow onnxruntime.
public struct SVMClassifier: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let kernel: SVMKernel
    let vectorsPerClass: [Int]
    let startVector: [Int]
    let vectorCount: Int
    let supportVectors: [Float]
    let coefficients: [Float]
    let rho: [Float]
    let probA: [Float]
    let probB: [Float]
    let labelsString: [String]?
    let labelsInt: [Int64]
    let classes: Int
    let features: Int
    let linear: Bool
    let post: ML.PostTransform
    let allPositive: Bool

    public init(_ node: NodeContext) throws {
        var k = try SVMKernel(node)
        vectorsPerClass = try node.ints("vectors_per_class") ?? []
        guard vectorsPerClass.allSatisfy({ $0 >= 0 }) else { throw KernelError("vectors_per_class must not be negative") }
        var start: [Int] = [], total = 0
        for v in vectorsPerClass { start.append(total); total += v }
        startVector = start
        vectorCount = total
        supportVectors = try node.floats("support_vectors") ?? []
        coefficients = try node.floats("coefficients") ?? []
        rho = try node.floats("rho") ?? []
        probA = try node.floats("prob_a") ?? []
        probB = try node.floats("prob_b") ?? []
        let s = try node.strings("classlabels_strings") ?? []
        let i = try ML.int64s(node, "classlabels_ints") ?? []
        labelsString = s.isEmpty ? nil : s
        labelsInt = i
        post = try ML.PostTransform.parse(node)
        guard !s.isEmpty || !i.isEmpty else { throw KernelError("needs classlabels_strings or classlabels_ints") }
        guard !coefficients.isEmpty else { throw KernelError("coefficients is empty") }
        guard probA.count == probB.count else { throw KernelError("prob_a has \(probA.count) values, prob_b \(probB.count)") }
        guard !rho.isEmpty else { throw KernelError("rho is empty") }
        classes = s.isEmpty ? i.count : s.count
        if vectorCount > 0 {
            linear = false
            guard supportVectors.count % vectorCount == 0 else {
                throw KernelError("\(supportVectors.count) support vector values do not split into \(vectorCount) vectors")
            }
            features = supportVectors.count / vectorCount
            guard vectorsPerClass.count == classes else { throw KernelError("vectors_per_class has \(vectorsPerClass.count) values for \(classes) classes") }
            guard coefficients.count >= (classes - 1) * vectorCount else {
                throw KernelError("\(coefficients.count) coefficients for \(classes - 1) x \(vectorCount) support vector weights")
            }
            let pairs = classes * (classes - 1) / 2
            guard rho.count >= pairs else { throw KernelError("rho has \(rho.count) values for \(pairs) class pairs") }
            guard probA.isEmpty || probA.count >= pairs else { throw KernelError("prob_a has \(probA.count) values for \(pairs) class pairs") }
        } else {
            linear = true
            k.kind = .linear
            guard coefficients.count % classes == 0 else { throw KernelError("\(coefficients.count) coefficients do not split into \(classes) classes") }
            features = coefficients.count / classes
        }
        kernel = k
        allPositive = coefficients.allSatisfy { $0 >= 0 }
    }

    /// Pairwise probabilities r (classes x classes) to class probabilities.
    static func coupling(_ k: Int, _ r: [Float]) -> [Float] {
        var q = [Float](repeating: 0, count: k * k), qp = [Float](repeating: 0, count: k)
        var p = [Float](repeating: 1 / Float(k), count: k)
        let eps = 0.005 / Float(k)
        for i in 0..<k {
            for j in 0..<i {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = q[j * k + i]
            }
            for j in (i + 1)..<max(k, i + 1) {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = -r[j * k + i] * r[i * k + j]
            }
        }
        for _ in 0..<100 {
            var pqp: Float = 0
            for i in 0..<k {
                qp[i] = 0
                for j in 0..<k { qp[i] += q[i * k + j] * p[j] }
                pqp += p[i] * qp[i]
            }
            var maxError: Float = 0
            for i in 0..<k { maxError = max(maxError, abs(qp[i] - pqp)) }
            if maxError < eps { break }
            for i in 0..<k {
                let diff = (-qp[i] + pqp) / q[i * k + i]
                p[i] += diff
                pqp = (pqp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (n, f, x) = try ML.rows(try inputs.tensor(0))
        guard f == features else { throw KernelError("X has \(f) features, the model \(features)") }
        let pairs = classes * (classes - 1) / 2
        let haveProba = !probA.isEmpty
        var width = classes
        var second: ML.SecondClass? = nil
        var scoreCount = classes
        if !linear && !haveProba {
            width = classes > 2 ? pairs : 2
            scoreCount = pairs
            if classes <= 2 { second = post == .none ? .negate : .complement }
        }
        var out = [Float](repeating: 0, count: n * width)
        var labelIndex = [Int](repeating: 0, count: n)
        var maxWeights = [Float](repeating: 0, count: n)
        if linear {
            out = kernel.apply(x, n: n, coefficients, m: classes, f: f, linearC: rho[0])
        } else {
            let kv = kernel.apply(x, n: n, supportVectors, m: vectorCount, f: f)
            for r in 0..<n {
                var votes = [Int](repeating: 0, count: classes)
                var scores = [Float](repeating: 0, count: pairs)
                var idx = 0
                for i in 0..<max(classes - 1, 0) {
                    for j in (i + 1)..<classes {
                        var sum: Double = 0
                        for m in 0..<vectorsPerClass[i] {
                            sum += Double(coefficients[(j - 1) * vectorCount + startVector[i] + m] * kv[r * vectorCount + startVector[i] + m])
                        }
                        for m in 0..<vectorsPerClass[j] {
                            sum += Double(coefficients[i * vectorCount + startVector[j] + m] * kv[r * vectorCount + startVector[j] + m])
                        }
                        sum += Double(rho[idx])
                        scores[idx] = Float(sum)
                        votes[sum > 0 ? i : j] += 1
                        idx += 1
                    }
                }
                var best = 0
                for c in 1..<max(classes, 1) where votes[c] > votes[best] { best = c }
                labelIndex[r] = best
                if haveProba {
                    var probs = [Float](repeating: 0, count: classes * classes)
                    var index = 0
                    for i in 0..<max(classes - 1, 0) {
                        for j in (i + 1)..<classes {
                            let v = max(min(ML.sigmoidProbability(scores[index], probA[index], probB[index]), 1 - 1e-7), 1e-7)
                            probs[i * classes + j] = v
                            probs[j * classes + i] = 1 - v
                            index += 1
                        }
                    }
                    let p = SVMClassifier.coupling(classes, probs)
                    for c in 0..<classes { out[r * width + c] = p[c] }
                } else {
                    for c in 0..<pairs { out[r * width + c] = scores[c] }
                }
            }
        }
        if linear {
            for r in 0..<n {
                var best = 0
                for c in 1..<max(classes, 1) where out[r * width + c] > out[r * width + best] { best = c }
                labelIndex[r] = best
                maxWeights[r] = out[r * width + best]
            }
        }
        // Labels.
        let label: Tensor
        func choose<L>(_ labels: [L], _ pos: L, _ neg: L) -> [L] {
            (0..<n).map { r in
                if pairs == 1 {
                    if labels.count == 2 {
                        if haveProba { return labels[labelIndex[r]] }
                        let w = maxWeights[r]
                        if allPositive && w >= 0.5 { return labels[1] }
                        if w > 0 && !allPositive { return labels[1] }
                        return labels[labelIndex[r]]
                    }
                    return maxWeights[r] > 0 ? pos : neg
                }
                return labels[min(labelIndex[r], labels.count - 1)]
            }
        }
        if let ls = labelsString {
            label = Tensor(strings: choose(ls, "1", "0"), shape: [n])
        } else {
            label = Tensor(shape: [n], choose(labelsInt, 1, 0))
        }
        // Scores, row by row (a row with one score and a second-class rule becomes two columns).
        for r in 0..<n {
            var row = Array(out[(r * width)..<(r * width + scoreCount)])
            if scoreCount == 1 && second != nil { row.append(0) }
            ML.updateScores(&row, batches: 1, width: scoreCount, post, second: second)
            for c in 0..<min(row.count, width) { out[r * width + c] = row[c] }
        }
        return [.tensor(label), .tensor(Tensor(shape: [n, width], out))]
    }
}

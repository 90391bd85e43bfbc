import OnnxModel

/// Shared pieces of the ai.onnx.ml kernels: the post-transforms classifiers apply to their scores,
/// the [N, C] view of a feature input, label outputs. Where the spec leaves details open (score
/// post-processing in the binary cases, label choice), these follow onnxruntime, whose outputs
/// converters such as skl2onnx are validated against.
enum ML {
    static let domain = "ai.onnx.ml"

    /// `post_transform` of the classifiers and regressors.
    enum PostTransform: Sendable {
        case none, logistic, softmax, softmaxZero, probit

        init(_ s: String) throws(KernelError) {
            switch s {
            case "NONE": self = .none
            case "LOGISTIC": self = .logistic
            case "SOFTMAX": self = .softmax
            case "SOFTMAX_ZERO": self = .softmaxZero
            case "PROBIT": self = .probit
            default: throw KernelError("post_transform '\(s)' is not one of NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO, PROBIT")
            }
        }

        /// The integer form of TreeEnsemble (ai.onnx.ml 5): 0 NONE, 1 SOFTMAX, 2 LOGISTIC, 3 SOFTMAX_ZERO, 4 PROBIT.
        init(code: Int) throws(KernelError) {
            switch code {
            case 0: self = .none
            case 1: self = .softmax
            case 2: self = .logistic
            case 3: self = .softmaxZero
            case 4: self = .probit
            default: throw KernelError("post_transform \(code) is not in 0...4")
            }
        }

        static func parse(_ node: NodeContext) throws(KernelError) -> PostTransform {
            try PostTransform(try node.string("post_transform", default: "NONE"))
        }
    }

    // MARK: Score functions (float, like the reference runtimes)

    @inline(__always) static func logistic(_ v: Float) -> Float {
        let e = 1 / (1 + Float.exp(-abs(v)))
        return v < 0 ? 1 - e : e
    }

    /// Inverse error function, Winitzki's approximation (a = 0.147) as the ML runtimes use it.
    @inline(__always) static func erfInv(_ x0: Float) -> Float {
        let sgn: Float = x0 < 0 ? -1 : 1
        let x = (1 - x0) * (1 + x0)
        let l = Float.log(x)
        let v = 2 / (Float.pi * 0.147) + 0.5 * l
        let v2 = 1 / Float(0.147) * l
        let v3 = -v + (v * v - v2).squareRoot()
        return sgn * v3.squareRoot()
    }

    @inline(__always) static func probit(_ v: Float) -> Float { Float(2).squareRoot() * erfInv(2 * v - 1) }

    static func softmax(_ s: inout ArraySlice<Float>) {
        var m = -Float.greatestFiniteMagnitude
        for v in s where v > m { m = v }
        var sum: Float = 0
        for i in s.indices { s[i] = Float.exp(s[i] - m); sum += s[i] }
        for i in s.indices { s[i] /= sum }
    }

    /// Softmax that leaves (near-)zero scores at zero.
    static func softmaxZero(_ s: inout ArraySlice<Float>) {
        var m = -Float.greatestFiniteMagnitude
        for v in s where v > m { m = v }
        let expNegMax = Float.exp(-m)
        var sum: Float = 0
        for i in s.indices {
            if s[i] > 0.0000001 || s[i] < -0.0000001 {
                s[i] = Float.exp(s[i] - m)
                sum += s[i]
            } else {
                s[i] *= expNegMax
            }
        }
        for i in s.indices { s[i] /= sum }
    }

    /// Applies `post` to one row of two or more scores.
    static func transformRow(_ s: inout ArraySlice<Float>, _ post: PostTransform) {
        switch post {
        case .none: break
        case .logistic: for i in s.indices { s[i] = logistic(s[i]) }
        case .probit: for i in s.indices { s[i] = probit(s[i]) }
        case .softmax: softmax(&s)
        case .softmaxZero: softmaxZero(&s)
        }
    }

    /// How a single score becomes two columns (onnxruntime's `add_second_class`): nil keeps one column.
    enum SecondClass: Sendable {
        /// [1 - s, s] (s through the logistic under LOGISTIC): probabilities from all-positive weights.
        case complement
        /// [-s, s] (or [logistic(-s), logistic(s)] under LOGISTIC): signed margins.
        case negate
    }

    /// Post-processes `batches` rows of `width` scores in place. With one score per row and a
    /// `second` rule, each row grows to two columns (`scores` must then hold 2 * batches values, the
    /// single scores first). PROBIT on single scores keeps one column.
    static func updateScores(_ scores: inout [Float], batches: Int, width: Int, _ post: PostTransform, second: SecondClass?) {
        if width > 1 {
            for b in 0..<batches {
                var row = scores[(b * width)..<((b + 1) * width)]
                transformRow(&row, post)
                scores.replaceSubrange((b * width)..<((b + 1) * width), with: row)
            }
            return
        }
        if width < 1 { return }
        if post == .probit {
            for b in 0..<batches { scores[b] = probit(scores[b]) }
            return
        }
        guard let second else { return }
        // Expand back to front so the single scores are read before being overwritten.
        var b = batches - 1
        while b >= 0 {
            let s = scores[b]
            switch second {
            case .complement:
                let p = post == .logistic ? logistic(s) : s
                scores[2 * b] = 1 - p; scores[2 * b + 1] = p
            case .negate:
                if post == .logistic {
                    scores[2 * b] = logistic(-s); scores[2 * b + 1] = logistic(s)
                } else {
                    scores[2 * b] = -s; scores[2 * b + 1] = s
                }
            }
            b -= 1
        }
    }

    // MARK: Inputs

    /// A feature input as rows: 1-D is one row, 2-D is [N, C]; values converted to Float.
    static func rows(_ x: Tensor, what: String = "X") throws(KernelError) -> (n: Int, c: Int, values: [Float]) {
        guard x.rank == 1 || x.rank == 2 else { throw KernelError("\(what) must be 1-D or 2-D, got \(shapeText(x.shape))") }
        guard x.dtype.isNativeNumeric else { throw KernelError("\(what) must be numeric, got \(x.dtype.name)") }
        let n = x.rank == 1 ? 1 : x.shape[0]
        let c = x.rank == 1 ? x.shape[0] : x.shape[1]
        return (n, c, try floats(x))
    }

    /// Every element as Float (C conversion for integers and doubles).
    static func floats(_ x: Tensor) throws(KernelError) -> [Float] {
        switch x.dtype {
        case .float: return x.elements(as: Float.self)
        case .double: return x.withUnsafeBuffer(as: Double.self) { $0.map { Float($0) } }
        case .int64: return x.withUnsafeBuffer(as: Int64.self) { $0.map { Float($0) } }
        case .int32: return x.withUnsafeBuffer(as: Int32.self) { $0.map { Float($0) } }
        default:
            guard x.dtype.isNativeNumeric || x.dtype == .bool || x.dtype.isReducedFloat else {
                throw KernelError("expected a numeric tensor, got \(x.dtype.name)")
            }
            return (0..<x.count).map { Float(x.doubleValue(at: $0)) }
        }
    }

    /// Every element as Double.
    static func doubles(_ x: Tensor) throws(KernelError) -> [Double] {
        switch x.dtype {
        case .double: return x.elements(as: Double.self)
        case .float: return x.withUnsafeBuffer(as: Float.self) { $0.map { Double($0) } }
        default:
            guard x.dtype.isNativeNumeric || x.dtype == .bool || x.dtype.isReducedFloat else {
                throw KernelError("expected a numeric tensor, got \(x.dtype.name)")
            }
            return (0..<x.count).map { x.doubleValue(at: $0) }
        }
    }

    /// Integer values of an int64 or int32 tensor as Int64.
    static func int64s(_ x: Tensor) throws(KernelError) -> [Int64] {
        switch x.dtype {
        case .int64: return x.elements(as: Int64.self)
        case .int32: return x.withUnsafeBuffer(as: Int32.self) { $0.map { Int64($0) } }
        default: throw KernelError("expected an int64 or int32 tensor, got \(x.dtype.name)")
        }
    }

    // MARK: Attributes

    static func int64s(_ node: NodeContext, _ name: String) throws(KernelError) -> [Int64]? {
        try node.ints(name).map { $0.map { Int64($0) } }
    }

    /// A float list attribute or its `<name>_as_tensor` twin (ai.onnx.ml 3), as Double.
    static func floatsOrTensor(_ node: NodeContext, _ name: String) throws(KernelError) -> [Double]? {
        let list = try node.floats(name)
        let tensor = try node.tensor(name + "_as_tensor")
        if let list, !list.isEmpty, let tensor, tensor.count > 0 {
            throw KernelError("attributes '\(name)' and '\(name)_as_tensor' are both set")
        }
        if let tensor, tensor.count > 0 { return try doubles(tensor) }
        return list.map { $0.map { Double($0) } }
    }

    /// The label tensor for class indices: strings, or int64 labels.
    static func labels(_ index: [Int], strings: [String]?, ints: [Int64]?) -> Tensor {
        if let strings {
            return Tensor(strings: index.map { $0 >= 0 && $0 < strings.count ? strings[$0] : "" }, shape: [index.count])
        }
        let l = ints ?? []
        return Tensor(shape: [index.count], index.map { $0 >= 0 && $0 < l.count ? l[$0] : Int64($0) })
    }
}

extension ML {
    /// Platt's sigmoid for an SVM decision value: 1 - logistic(score * A + B).
    @inline(__always) static func sigmoidProbability(_ score: Float, _ a: Float, _ b: Float) -> Float {
        1 - logistic(score * a + b)
    }
}

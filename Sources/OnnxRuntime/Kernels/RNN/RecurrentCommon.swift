import OnnxModel

extension NN {
    /// An RNN activation function with its alpha/beta (ONNX names: Relu, Tanh, Sigmoid, Affine,
    /// LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus).
    struct RecurrentActivation: Sendable {
        enum Kind: String, Sendable {
            case relu = "relu", tanh = "tanh", sigmoid = "sigmoid", affine = "affine", leakyRelu = "leakyrelu"
            case thresholdedRelu = "thresholdedrelu", scaledTanh = "scaledtanh", hardSigmoid = "hardsigmoid"
            case elu = "elu", softsign = "softsign", softplus = "softplus"
        }
        let kind: Kind
        let alpha: Double
        let beta: Double

        var usesAlpha: Bool { [.affine, .leakyRelu, .thresholdedRelu, .scaledTanh, .hardSigmoid, .elu].contains(kind) }
        var usesBeta: Bool { [.affine, .scaledTanh, .hardSigmoid].contains(kind) }

        static func defaults(_ k: Kind) -> (Double, Double) {
            switch k {
            case .leakyRelu: return (0.01, 0)
            case .thresholdedRelu, .elu: return (1, 0)
            case .hardSigmoid: return (0.2, 0.5)
            case .affine, .scaledTanh: return (1, 1)
            default: return (0, 0)
            }
        }

        /// Parses `activations` with `activation_alpha`/`activation_beta` consumed in order by the
        /// functions that take them; nil names give `fallback` repeated per direction.
        static func parse(_ node: NodeContext, fallback: [Kind], directions: Int) throws(KernelError) -> [RecurrentActivation] {
            let names = try node.strings("activations")
            let alphas = try node.floats("activation_alpha") ?? []
            let betas = try node.floats("activation_beta") ?? []
            var kinds: [Kind]
            if let names, !names.isEmpty {
                kinds = []
                for n in names {
                    guard let k = Kind(rawValue: n.lowercased()) else { throw KernelError("activation '\(n)' is not supported") }
                    kinds.append(k)
                }
            } else {
                kinds = (0..<directions).flatMap { _ in fallback }
            }
            if kinds.count == fallback.count && directions == 2 { kinds += kinds }
            guard kinds.count == fallback.count * directions else {
                throw KernelError("activations has \(kinds.count) entries, expected \(fallback.count * directions)")
            }
            var ai = 0, bi = 0
            var out: [RecurrentActivation] = []
            for k in kinds {
                var (a, b) = defaults(k)
                let probe = RecurrentActivation(kind: k, alpha: 0, beta: 0)
                if probe.usesAlpha && ai < alphas.count { a = Double(alphas[ai]); ai += 1 }
                if probe.usesBeta && bi < betas.count { b = Double(betas[bi]); bi += 1 }
                out.append(RecurrentActivation(kind: k, alpha: a, beta: b))
            }
            return out
        }

        @inline(__always)
        func apply<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
            let a = T(alpha), b = T(beta)
            switch kind {
            case .relu: for i in 0..<n { p[i] = Swift.max(p[i], 0) }
            case .tanh: for i in 0..<n { p[i] = T.tanh(p[i]) }
            case .sigmoid: for i in 0..<n { p[i] = 1 / (1 + T.exp(-p[i])) }
            case .affine: for i in 0..<n { p[i] = a * p[i] + b }
            case .leakyRelu: for i in 0..<n { p[i] = p[i] >= 0 ? p[i] : a * p[i] }
            case .thresholdedRelu: for i in 0..<n { p[i] = p[i] > a ? p[i] : 0 }
            case .scaledTanh: for i in 0..<n { p[i] = a * T.tanh(b * p[i]) }
            case .hardSigmoid: for i in 0..<n { p[i] = Swift.max(0, Swift.min(1, a * p[i] + b)) }
            case .elu: for i in 0..<n { p[i] = p[i] >= 0 ? p[i] : a * (T.exp(p[i]) - 1) }
            case .softsign: for i in 0..<n { p[i] = p[i] / (1 + Swift.abs(p[i])) }
            case .softplus: for i in 0..<n { p[i] = T.log(1 + T.exp(p[i])) }
            }
        }
    }

    /// Attributes and input plumbing shared by RNN, GRU and LSTM.
    struct RecurrentSpec: Sendable {
        enum Direction: String, Sendable { case forward, reverse, bidirectional }
        let direction: Direction
        let hidden: Int?
        let clip: Double?
        let layout: Int
        let activations: [RecurrentActivation]

        var directions: Int { direction == .bidirectional ? 2 : 1 }

        init(_ node: NodeContext, fallback: [RecurrentActivation.Kind]) throws(KernelError) {
            let d = try node.string("direction", default: "forward")
            guard let dir = Direction(rawValue: d) else { throw KernelError("direction must be forward, reverse or bidirectional, got '\(d)'") }
            direction = dir
            hidden = try node.int("hidden_size")
            clip = try node.float("clip").map { Double($0) }
            layout = try node.int("layout", default: 0)
            guard layout == 0 || layout == 1 else { throw KernelError("layout must be 0 or 1, got \(layout)") }
            if let clip, clip <= 0 { throw KernelError("clip must be positive, got \(clip)") }
            activations = try RecurrentActivation.parse(node, fallback: fallback, directions: dir == .bidirectional ? 2 : 1)
        }

        /// Checks X/W/R/B/sequence_lens/initial states and returns the problem size.
        struct Sizes { var seq: Int; var batch: Int; var input: Int; var hidden: Int }

        func sizes(_ x: Tensor, _ w: Tensor, _ r: Tensor, gates: Int) throws(KernelError) -> Sizes {
            guard x.rank == 3 else { throw KernelError("X must be 3-D, got \(shapeText(x.shape))") }
            let (seq, batch) = layout == 0 ? (x.shape[0], x.shape[1]) : (x.shape[1], x.shape[0])
            let input = x.shape[2]
            guard w.rank == 3, w.shape[0] == directions, w.shape[2] == input, w.shape[1] % gates == 0 else {
                throw KernelError("W \(shapeText(w.shape)) must be [\(directions), \(gates)*hidden, \(input)]")
            }
            let h = w.shape[1] / gates
            if let hidden, hidden != h { throw KernelError("hidden_size \(hidden) does not match W \(shapeText(w.shape))") }
            guard r.shape == [directions, gates * h, h] else { throw KernelError("R \(shapeText(r.shape)) must be [\(directions), \(gates * h), \(h)]") }
            return Sizes(seq: seq, batch: batch, input: input, hidden: h)
        }

        /// A tensor of the compute type, checked to have `shape` (nil stays nil).
        static func param(_ t: Tensor?, _ shape: [Int], _ type: DataType, _ what: String) throws(KernelError) -> Tensor? {
            guard let t else { return nil }
            guard t.shape == shape else { throw KernelError("\(what) \(shapeText(t.shape)) must be \(shapeText(shape))") }
            return try ConvTypes.to(t, type)
        }

        /// Valid length of every batch entry (the whole sequence when absent).
        static func lengths(_ t: Tensor?, batch: Int, seq: Int) throws(KernelError) -> [Int] {
            guard let t else { return [Int](repeating: seq, count: batch) }
            let v = try t.intValues()
            guard v.count == batch else { throw KernelError("sequence_lens has \(v.count) entries, the batch is \(batch)") }
            for l in v where l < 0 || l > seq { throw KernelError("sequence_lens entry \(l) is outside [0, \(seq)]") }
            return v
        }
    }

    /// The per-step driver: X W^T for the whole sequence in one GEMM, then per step the
    /// recurrent GEMM and the cell's gate math on [batch, gates*hidden] rows.
    enum Recurrent {
        /// X in [seq, batch, input] order (layout 1 transposed first).
        static func seqMajor(_ x: Tensor, layout: Int) throws(KernelError) -> Tensor {
            layout == 0 ? x : try Transpose.apply(x, perm: [1, 0, 2])
        }

        /// xw[t*batch + b, :] = X[t, b, :] @ W^T for one direction.
        static func inputProjection<T: ConvScalar>(_ x: UnsafePointer<T>, _ w: UnsafePointer<T>, rows: Int, input: Int, cols: Int)
            throws(KernelError) -> Scratch<T> {
            let out = Scratch<T>(rows * cols)
            if rows > 0 && cols > 0 {
                if input == 0 {
                    out.base.update(repeating: 0, count: rows * cols)
                } else {
                    try T.nnGemm(transA: false, transB: true, m: rows, n: cols, k: input, alpha: 1, a: x, lda: input, b: w, ldb: input,
                                 beta: 0, c: out.base, ldc: cols)
                }
            }
            return out
        }

        /// Output tensors Y [seq, dirs, batch, hidden] (or layout 1 [batch, seq, dirs, hidden]) and a
        /// state [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]).
        static func outputs<T: ConvScalar>(y: Scratch<T>, states: [Scratch<T>], seq: Int, dirs: Int, batch: Int, hidden: Int,
                                            layout: Int, type: DataType, _: T.Type) throws(KernelError) -> [Tensor] {
            var yt = Tensor.make(T.dataType, [seq, dirs, batch, hidden], as: T.self) { $0.baseAddress!.update(from: y.base, count: $0.count) }
            var outs: [Tensor] = []
            if layout == 1 { yt = try Transpose.apply(yt, perm: [2, 0, 1, 3]) }
            outs.append(try ConvTypes.to(yt, type))
            for s in states {
                var st = Tensor.make(T.dataType, [dirs, batch, hidden], as: T.self) { $0.baseAddress!.update(from: s.base, count: $0.count) }
                if layout == 1 { st = try Transpose.apply(st, perm: [1, 0, 2]) }
                outs.append(try ConvTypes.to(st, type))
            }
            return outs
        }

        @inline(__always)
        static func clip<T: FloatElement>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ c: Double?) {
            guard let c else { return }
            let hi = T(c), lo = -T(c)
            for i in 0..<n { p[i] = Swift.min(Swift.max(p[i], lo), hi) }
        }
    }
}

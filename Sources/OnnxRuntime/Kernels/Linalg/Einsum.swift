import OnnxModel

/// Einsum: Einstein summation ("ij,jk->ik", implicit output, repeated labels for diagonals,
/// `...` for broadcast dims). Two-operand products whose shape is a plain (batched) matrix
/// product run on MatMul; everything else in a general loop.
public struct Einsum: OpKernel {
    public static let sinceVersions = [12, 28]
    let equation: String

    public init(_ node: NodeContext) throws {
        equation = try node.required("equation") { (n: String) throws(KernelError) in try node.string(n) }
    }

    /// Labels of one term: letters as their scalar value; `ellipsis` dims (given by the caller)
    /// become 1000 + k, right-aligned to `width` ellipsis dims in total.
    static func parseTerm(_ term: Substring, ellipsis: (Int) -> Int, width: Int) throws(KernelError) -> [Int] {
        let t = String(term.filter { $0 != " " })
        var labels: [Int] = []
        var letters = 0
        for c in t.unicodeScalars where c != "." {
            guard (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") else { throw KernelError("equation has an invalid label '\(c)'") }
            letters += 1
        }
        let dots = t.filter { $0 == "." }.count
        guard dots == 0 || (dots == 3 && t.contains("...")) else { throw KernelError("term '\(t)' has a malformed ellipsis") }
        let n = dots == 3 ? ellipsis(letters) : 0
        guard n >= 0 else { throw KernelError("term '\(t)' has more labels than its input has dims") }
        var inserted = false
        for c in t.unicodeScalars {
            if c == "." {
                if !inserted { for k in 0..<n { labels.append(1000 + (width - n) + k) } }
                inserted = true
                continue
            }
            labels.append(Int(c.value))
        }
        return labels
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var xs: [Tensor] = []
        for i in 0..<inputs.count { xs.append(try inputs.tensor(i)) }
        guard let first = xs.first else { throw KernelError("needs at least one input") }
        for x in xs where x.dtype != first.dtype { throw KernelError("inputs have different types") }
        let eq = equation.filter { $0 != " " }
        let parts = eq.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let lhs = parts[0]
        var rhs: Substring? = nil
        if parts.count == 2 {
            guard parts[1].hasPrefix(">") else { throw KernelError("equation '\(equation)' is malformed") }
            rhs = parts[1].dropFirst()
        }
        let terms = lhs.split(separator: ",", omittingEmptySubsequences: false)
        guard terms.count == xs.count else { throw KernelError("equation has \(terms.count) terms for \(xs.count) inputs") }
        var ellipsisRank = 0
        for (k, t) in terms.enumerated() where t.contains(".") {
            let letters = t.unicodeScalars.filter { $0 != "." && $0 != " " }.count
            ellipsisRank = max(ellipsisRank, xs[k].rank - letters)
        }
        var labels: [[Int]] = []
        for (k, t) in terms.enumerated() {
            let rank = xs[k].rank
            let l = try Einsum.parseTerm(t, ellipsis: { rank - $0 }, width: ellipsisRank)
            guard l.count == rank else { throw KernelError("term '\(t)' has \(l.count) labels, input \(k) has rank \(rank)") }
            labels.append(l)
        }
        // Output labels (implicit form: ellipsis dims, then labels used once, alphabetically).
        var out: [Int]
        if let rhs {
            let e = ellipsisRank
            out = try Einsum.parseTerm(rhs, ellipsis: { _ in e }, width: e)
        } else {
            var counts: [Int: Int] = [:]
            for l in labels { for x in l { counts[x, default: 0] += 1 } }
            out = (0..<ellipsisRank).map { 1000 + $0 } + counts.filter { $0.key < 1000 && $0.value == 1 }.map(\.key).sorted()
        }
        // Sizes per label (broadcasting 1s).
        var size: [Int: Int] = [:]
        for (k, l) in labels.enumerated() {
            for (d, lab) in l.enumerated() {
                let n = xs[k].shape[d]
                if let s = size[lab], s != n {
                    if s == 1 { size[lab] = n } else if n != 1 { throw KernelError("label '\(Einsum.name(lab))' has sizes \(s) and \(n)") }
                } else if size[lab] == nil { size[lab] = n }
            }
        }
        for lab in out where size[lab] == nil { throw KernelError("output label '\(Einsum.name(lab))' does not appear in the inputs") }
        let summed = Array(Set(size.keys).subtracting(out)).sorted()
        let all = out + summed
        let outShape = out.map { size[$0]! }

        let t = first.dtype
        let work: DataType = t == .double ? .double : (t.isInteger ? .int64 : .float)
        guard t.isInteger || t == .float || t == .double || t.isReducedFloat else { throw KernelError.unsupported("input type \(t.name) is not supported") }
        let vals = try xs.map { x throws(KernelError) in try Cast.convert(x, to: .double).elements(as: Double.self) }
        // Per-input stride of each label (repeated labels add up: diagonals; size-1 dims: 0).
        let strides: [[Int]] = labels.enumerated().map { k, l in
            let st = Shapes.strides(xs[k].shape)
            return all.map { lab in
                var s = 0
                for (d, x) in l.enumerated() where x == lab && xs[k].shape[d] != 1 { s += st[d] }
                return s
            }
        }
        let dims = all.map { size[$0]! }
        let total = Tensor.elementCount(dims)
        let outCount = Tensor.elementCount(outShape)
        var acc = [Double](repeating: 0, count: outCount)
        if total > 0 {
            let outStrides = Shapes.strides(outShape) + [Int](repeating: 0, count: summed.count)
            var idx = [Int](repeating: 0, count: all.count)
            var offs = [Int](repeating: 0, count: xs.count)
            var o = 0
            for _ in 0..<total {
                var p = 1.0
                for k in 0..<xs.count { p *= vals[k][offs[k]] }
                acc[o] += p
                var d = all.count - 1
                while d >= 0 {
                    idx[d] += 1
                    o += outStrides[d]
                    for k in 0..<xs.count { offs[k] += strides[k][d] }
                    if idx[d] < dims[d] { break }
                    o -= outStrides[d] * dims[d]
                    for k in 0..<xs.count { offs[k] -= strides[k][d] * dims[d] }
                    idx[d] = 0
                    d -= 1
                }
            }
        }
        let r = try Cast.convert(Tensor(shape: outShape, acc), to: work)
        return [.tensor(try Cast.convert(r, to: t))]
    }

    static func name(_ lab: Int) -> String {
        lab >= 1000 ? "...\(lab - 1000)" : String(UnicodeScalar(UInt8(truncatingIfNeeded: lab)))
    }
}

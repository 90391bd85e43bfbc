import OnnxModel

/// TfIdfVectorizer: counts the n-grams of the pool (pool_int64s or pool_strings, grouped by size
/// through ngram_counts) in each row of X, with up to max_skip_count items skipped between the
/// items of an n-gram (unigrams are counted once), for sizes min_gram_length...max_gram_length.
/// Each n-gram's count goes to column ngram_indexes[id]; the mode turns counts into TF (counts),
/// IDF (weight where present) or TFIDF (weight x count). Float output [B, max(ngram_indexes)+1]
/// (or [width] for a 1-D X).
public struct TfIdfVectorizer: OpKernel {
    public static let sinceVersions = [9]

    enum Token: Hashable {
        case int(Int64)
        case string(String)
    }
    enum Mode { case tf, idf, tfidf }

    let minGram: Int
    let maxGram: Int
    let maxSkip: Int
    let mode: Mode
    let indexes: [Int]
    let weights: [Float]
    let width: Int
    let poolIsStrings: Bool
    /// Every prefix of a pooled n-gram -> its id (1-based), 0 for prefixes that are not n-grams.
    let grams: [[Token]: Int]

    public init(_ node: NodeContext) throws {
        minGram = try node.required("min_gram_length") { (n: String) throws(KernelError) in try node.int(n) }
        maxGram = try node.required("max_gram_length") { (n: String) throws(KernelError) in try node.int(n) }
        maxSkip = try node.required("max_skip_count") { (n: String) throws(KernelError) in try node.int(n) }
        switch try node.required("mode", { (n: String) throws(KernelError) in try node.string(n) }) {
        case "TF": mode = .tf
        case "IDF": mode = .idf
        case "TFIDF": mode = .tfidf
        case let s: throw KernelError("mode '\(s)' is not one of TF, IDF, TFIDF")
        }
        guard minGram >= 1, maxGram >= minGram else { throw KernelError("gram lengths must satisfy 1 <= min_gram_length <= max_gram_length") }
        guard maxSkip >= 0 else { throw KernelError("max_skip_count must not be negative") }
        let counts = try node.required("ngram_counts") { (n: String) throws(KernelError) in try node.ints(n) }
        indexes = try node.required("ngram_indexes") { (n: String) throws(KernelError) in try node.ints(n) }
        weights = try node.floats("weights") ?? []
        let ints = try node.ints("pool_int64s") ?? []
        let strs = try node.strings("pool_strings") ?? []
        guard ints.isEmpty || strs.isEmpty else { throw KernelError("pool_int64s and pool_strings are both set") }
        poolIsStrings = !strs.isEmpty
        let pool: [Token] = poolIsStrings ? strs.map { .string($0) } : ints.map { .int(Int64($0)) }
        guard indexes.allSatisfy({ $0 >= 0 }) else { throw KernelError("ngram_indexes must not be negative") }
        width = (indexes.max() ?? -1) + 1
        guard weights.isEmpty || weights.count >= width else { throw KernelError("\(weights.count) weights for \(width) output columns") }
        var g: [[Token]: Int] = [:]
        var id = 1
        for (i, start) in counts.enumerated() {
            let end = i + 1 < counts.count ? counts[i + 1] : pool.count
            guard start >= 0, end >= start, end <= pool.count else { throw KernelError("ngram_counts \(counts) do not fit a pool of \(pool.count)") }
            let size = i + 1
            let n = (end - start) / size
            if size >= minGram && size <= maxGram {
                for k in 0..<n {
                    let gram = Array(pool[(start + k * size)..<(start + (k + 1) * size)])
                    for l in 1..<size where g[Array(gram[0..<l])] == nil { g[Array(gram[0..<l])] = 0 }
                    g[gram] = id
                    guard id - 1 < indexes.count else { throw KernelError("ngram_indexes has \(indexes.count) values, fewer than the n-grams") }
                    id += 1
                }
            } else {
                id += n
            }
        }
        grams = g
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank <= 2 else { throw KernelError("X must be [C] or [B, C], got \(shapeText(x.shape))") }
        let tokens: [Token]
        switch x.dtype {
        case .string:
            guard poolIsStrings || grams.isEmpty else { throw KernelError("string input for an integer pool") }
            tokens = x.strings.map { .string($0) }
        case .int64, .int32:
            guard !poolIsStrings else { throw KernelError("integer input for a string pool") }
            tokens = try x.intValues().map { .int(Int64($0)) }
        default: throw KernelError("X must be string, int32 or int64, got \(x.dtype.name)")
        }
        let rows = x.rank == 2 ? x.shape[0] : 1
        let c = x.rank == 2 ? x.shape[1] : (x.rank == 1 ? x.shape[0] : 1)
        var freq = [Int](repeating: 0, count: rows * width)
        if !grams.isEmpty && c > 0 {
            for r in 0..<rows {
                let row = Array(tokens[(r * c)..<((r + 1) * c)])
                var startSize = minGram
                // Skip distances of c or more cannot fit an n-gram of two or more items.
                for skip in 1...(maxSkip >= c ? c : maxSkip + 1) {
                    var start = 0
                    while start < c {
                        if startSize - 1 >= c || start + skip * (startSize - 1) >= c { break }
                        var item = start, size = 1
                        var prefix: [Token] = []
                        while size <= maxGram && item < c {
                            prefix.append(row[item])
                            guard let id = grams[prefix] else { break }
                            if size >= startSize && id != 0 { freq[r * width + indexes[id - 1]] += 1 }
                            size += 1
                            item += skip
                        }
                        start += 1
                    }
                    if startSize == 1 {
                        startSize += 1
                        if startSize > maxGram { break }
                    }
                }
            }
        }
        var y = [Float](repeating: 0, count: freq.count)
        for i in 0..<freq.count {
            let f = freq[i], w: Float? = weights.isEmpty ? nil : weights[i % width]
            switch mode {
            case .tf: y[i] = Float(f)
            case .idf: y[i] = f > 0 ? (w ?? 1) : 0
            case .tfidf: y[i] = (w ?? 1) * Float(f)
            }
        }
        return [.tensor(Tensor(shape: x.rank == 2 ? [rows, width] : [width], y))]
    }
}

import OnnxModel

/// StringSplit: splits every string at `delimiter` (consecutive delimiters give empty strings) or,
/// without one, at runs of whitespace (leading and trailing whitespace ignored), at most
/// `maxsplit` times from the left. Y holds the pieces padded with "" to the longest split
/// (X's shape + [max]); Z holds the number of pieces of each string.
public struct StringSplit: OpKernel {
    public static let sinceVersions = [20]
    let delimiter: [UInt8]
    let maxsplit: Int?

    public init(_ node: NodeContext) throws {
        delimiter = Array(try node.string("delimiter", default: "").utf8)
        maxsplit = try node.int("maxsplit")
        if let m = maxsplit, m < 0 { throw KernelError("maxsplit must not be negative, got \(m)") }
    }

    /// Python's `str.split(None, maxsplit)`.
    static func splitWhitespace(_ s: String, maxsplit: Int?) -> [String] {
        let c = Array(s)
        var out: [String] = []
        var i = 0
        while true {
            while i < c.count && c[i].isWhitespace { i += 1 }
            if i == c.count { break }
            if let m = maxsplit, out.count == m {
                out.append(String(c[i...]))
                break
            }
            var j = i
            while j < c.count && !c[j].isWhitespace { j += 1 }
            out.append(String(c[i..<j]))
            i = j
        }
        return out
    }

    /// Python's `str.split(sep, maxsplit)` on UTF-8 bytes.
    static func split(_ s: String, _ sep: [UInt8], maxsplit: Int?) -> [String] {
        let b = Array(s.utf8)
        var out: [String] = []
        var start = 0, i = 0
        while i + sep.count <= b.count {
            if let m = maxsplit, out.count == m { break }
            if b[i..<(i + sep.count)].elementsEqual(sep) {
                out.append(String(decoding: b[start..<i], as: UTF8.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        out.append(String(decoding: b[start...], as: UTF8.self))
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .string else { throw KernelError("X must be a string tensor, got \(x.dtype.name)") }
        let pieces = x.strings.map {
            delimiter.isEmpty ? StringSplit.splitWhitespace($0, maxsplit: maxsplit) : StringSplit.split($0, delimiter, maxsplit: maxsplit)
        }
        let width = pieces.map(\.count).max() ?? 0
        var y = [String](repeating: "", count: x.count * width)
        for (i, p) in pieces.enumerated() { for (j, s) in p.enumerated() { y[i * width + j] = s } }
        return [.tensor(Tensor(strings: y, shape: x.shape + [width])), .tensor(Tensor(shape: x.shape, pieces.map { Int64($0.count) }))]
    }
}

import OnnxModel

/// StringNormalizer: removes the strings that are stop words (compared after lower-casing when
/// `is_case_sensitive` is 0) and changes the case of the rest (LOWER, UPPER or NONE). Input [C]
/// or [1, C]; the output keeps the rank with the remaining strings, or a single "" when none
/// remain. Like onnxruntime, strings are whole words here (no splitting, no accent folding).
public struct StringNormalizer: OpKernel {
    public static let sinceVersions = [10]
    enum Case { case none, lower, upper }
    let caseChange: Case
    let caseSensitive: Bool
    let stopwords: Set<String>

    public init(_ node: NodeContext) throws {
        switch try node.string("case_change_action", default: "NONE") {
        case "NONE": caseChange = .none
        case "LOWER": caseChange = .lower
        case "UPPER": caseChange = .upper
        case let s: throw KernelError("case_change_action '\(s)' is not one of NONE, LOWER, UPPER")
        }
        caseSensitive = try node.int("is_case_sensitive", default: 0) != 0
        let words = try node.strings("stopwords") ?? []
        stopwords = Set(caseSensitive ? words : words.map { $0.lowercased() })
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .string else { throw KernelError("X must be a string tensor, got \(x.dtype.name)") }
        guard x.rank == 1 || (x.rank == 2 && x.shape[0] == 1) else {
            throw KernelError("X must be [C] or [1, C], got \(shapeText(x.shape))")
        }
        var out: [String] = []
        out.reserveCapacity(x.count)
        for s in x.strings {
            if !stopwords.isEmpty && stopwords.contains(caseSensitive ? s : s.lowercased()) { continue }
            switch caseChange {
            case .none: out.append(s)
            case .lower: out.append(s.lowercased())
            case .upper: out.append(s.uppercased())
            }
        }
        if out.isEmpty && x.count > 0 { out = [""] }
        return [.tensor(Tensor(strings: out, shape: x.rank == 1 ? [out.count] : [1, out.count]))]
    }
}

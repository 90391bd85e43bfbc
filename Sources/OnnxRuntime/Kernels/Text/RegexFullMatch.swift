import OnnxModel

/// RegexFullMatch: true where the whole string matches `pattern`. The pattern is compiled with
/// the standard library's Regex, whose syntax covers the RE2 features models use (classes,
/// alternation, bounded repetition, anchors, word boundaries), set to RE2's matching rules.
public struct RegexFullMatch: OpKernel {
    public static let sinceVersions = [20]
    let pattern: String
    let regex: Regex<AnyRegexOutput>

    public init(_ node: NodeContext) throws {
        pattern = try node.required("pattern") { (n: String) throws(KernelError) in try node.string(n) }
        do {
            // RE2 semantics: code points rather than grapheme clusters, ASCII \w \d \s, and \b
            // between word and non-word characters (not Unicode word segmentation).
            regex = try Regex(pattern).matchingSemantics(.unicodeScalar).asciiOnlyCharacterClasses().wordBoundaryKind(.simple)
        } catch {
            throw KernelError("pattern '\(pattern)' is not a valid regular expression: \(error)")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .string else { throw KernelError("X must be a string tensor, got \(x.dtype.name)") }
        var out = [Bool]()
        out.reserveCapacity(x.count)
        for s in x.strings {
            out.append(try regex.wholeMatch(in: s) != nil)
        }
        return [.tensor(Tensor(shape: x.shape, out))]
    }
}

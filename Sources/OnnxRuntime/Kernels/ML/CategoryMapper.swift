import OnnxModel

/// ai.onnx.ml CategoryMapper: strings to int64 through cats_strings[i] -> cats_int64s[i]
/// (default_int64 when absent), or int64 to strings the other way (default_string).
public struct CategoryMapper: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let toInt: [String: Int64]
    let toString: [Int64: String]
    let defaultInt: Int64
    let defaultString: String

    public init(_ node: NodeContext) throws {
        let s = try node.strings("cats_strings") ?? []
        let i = try ML.int64s(node, "cats_int64s") ?? []
        guard s.count == i.count else { throw KernelError("cats_strings has \(s.count) values, cats_int64s \(i.count)") }
        var a: [String: Int64] = [:], b: [Int64: String] = [:]
        for (k, v) in zip(s, i) {
            if a[k] == nil { a[k] = v }
            if b[v] == nil { b[v] = k }
        }
        toInt = a
        toString = b
        defaultInt = Int64(try node.int("default_int64", default: -1))
        defaultString = try node.string("default_string", default: "_Unused")
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        switch x.dtype {
        case .string:
            return [.tensor(Tensor(shape: x.shape, x.strings.map { toInt[$0] ?? defaultInt }))]
        case .int64:
            return [.tensor(Tensor(strings: x.elements(as: Int64.self).map { toString[$0] ?? defaultString }, shape: x.shape))]
        default:
            throw KernelError("X must be string or int64, got \(x.dtype.name)")
        }
    }
}

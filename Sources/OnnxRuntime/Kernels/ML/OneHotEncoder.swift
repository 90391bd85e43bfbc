import OnnxModel

/// ai.onnx.ml OneHotEncoder: each value becomes a float vector over the categories (cats_int64s
/// or cats_strings) with a 1 at its category; the output adds a last dimension. Unknown values
/// give all zeros, or an error when `zeros` is 0. Numeric inputs are truncated to int64.
public struct OneHotEncoder: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let ints: [Int64: Int]
    let strings: [String: Int]
    let count: Int
    let zeros: Bool

    public init(_ node: NodeContext) throws {
        let i = try ML.int64s(node, "cats_int64s") ?? []
        let s = try node.strings("cats_strings") ?? []
        var a: [Int64: Int] = [:], b: [String: Int] = [:]
        for (k, v) in i.enumerated() where a[v] == nil { a[v] = k }
        for (k, v) in s.enumerated() where b[v] == nil { b[v] = k }
        ints = a
        strings = b
        count = i.isEmpty ? s.count : i.count
        zeros = try node.int("zeros", default: 1) != 0
        guard count > 0 else { throw KernelError("needs cats_int64s or cats_strings") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let index: [Int?]
        switch x.dtype {
        case .string:
            index = x.strings.map { strings[$0] }
        case .int64, .int32, .float, .double:
            index = try ML.doubles(x).map { ints[Int64(fromDouble: $0)] }
        default:
            throw KernelError("X must be string, int64, int32, float or double, got \(x.dtype.name)")
        }
        let shape = try Shapes.checked(x.shape + [count], what: "output shape")
        var out = [Float](repeating: 0, count: x.count * count)
        for (i, j) in index.enumerated() {
            if let j { out[i * count + j] = 1 } else if !zeros {
                throw KernelError("value at index \(i) has no category and zeros is 0")
            }
        }
        return [.tensor(Tensor(shape: shape, out))]
    }
}

/// Constant: a tensor from one of the attributes value, sparse_value, value_float(s), value_int(s),
/// value_string(s).
public struct Constant: OpKernel {
    public static let sinceVersions = [1, 9, 11, 12, 13, 19, 21, 23, 24, 25]
    let value: Tensor

    public init(_ node: NodeContext) throws {
        let present = ["value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings"]
            .filter { node.has($0) }
        guard present.count == 1, let which = present.first else {
            throw KernelError("needs exactly one value attribute, got \(present.isEmpty ? "none" : present.joined(separator: ", "))")
        }
        switch which {
        case "value", "sparse_value": value = try node.tensor(which)!
        case "value_float": value = .scalar(try node.float(which)!)
        case "value_floats": let v = try node.floats(which)!; value = Tensor(shape: [v.count], v)
        case "value_int": value = .scalar(Int64(try node.int(which)!))
        case "value_ints": let v = try node.ints(which)!; value = Tensor(shape: [v.count], v.map { Int64($0) })
        case "value_string": value = Tensor(strings: [try node.string(which)!], shape: [])
        default: let v = try node.strings(which)!; value = Tensor(strings: v, shape: [v.count])
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { [.tensor(value)] }
}

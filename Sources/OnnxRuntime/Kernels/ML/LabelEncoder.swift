import OnnxModel

/// ai.onnx.ml LabelEncoder: maps each element through a key -> value table, with a default for
/// keys not in it.
/// - v1: `classes_strings`; string input -> int64 index, int64 input -> string.
/// - v2: `keys_*` / `values_*` lists of floats, int64s or strings, `default_*` scalars.
/// - v4: also `keys_tensor` / `values_tensor` / `default_tensor` (any of string, int64, int32,
///   int16, float, double). NaN keys match NaN inputs.
public struct LabelEncoder: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1, 2, 4]

    enum Key: Hashable {
        case string(String)
        case int(Int64)
        case float(Double)
        case nan
        static func number(_ d: Double) -> Key { d.isNaN ? .nan : .float(d) }
    }

    /// v1 only: classes by position.
    let classes: [String]?
    let table: [Key: Key]
    let defaultValue: Key
    /// v1: the output for int64 inputs that are not a class index.
    let defaultString: String
    let outputType: DataType

    public init(_ node: NodeContext) throws {
        if node.sinceVersion < 2 {
            let c = try node.strings("classes_strings") ?? []
            classes = c
            var t: [Key: Key] = [:]
            for (i, s) in c.enumerated() where t[.string(s)] == nil { t[.string(s)] = .int(Int64(i)) }
            table = t
            defaultValue = .int(Int64(try node.int("default_int64", default: -1)))
            defaultString = try node.string("default_string", default: "_Unused")
            outputType = .int64  // string input; int64 input is handled in run
            return
        }
        classes = nil
        defaultString = ""
        let keys = try LabelEncoder.list(node, prefix: "keys")
        let values = try LabelEncoder.list(node, prefix: "values")
        guard let (keyList, _) = keys else { throw KernelError("needs keys_strings, keys_int64s, keys_floats or keys_tensor") }
        guard let (valueList, vType) = values else { throw KernelError("needs values_strings, values_int64s, values_floats or values_tensor") }
        guard keyList.count == valueList.count else {
            throw KernelError("\(keyList.count) keys but \(valueList.count) values")
        }
        var t: [Key: Key] = [:]
        for (k, v) in zip(keyList, valueList) where t[k] == nil { t[k] = v }
        table = t
        outputType = vType
        if let d = try node.tensor("default_tensor") {
            guard d.count == 1 else { throw KernelError("default_tensor must hold one value, got \(d.count)") }
            guard d.dtype == vType else { throw KernelError("default_tensor is \(d.dtype.name) but the values are \(vType.name)") }
            defaultValue = try LabelEncoder.keys(d)[0]
        } else {
            switch vType {
            case .string: defaultValue = .string(try node.string("default_string", default: "_Unused"))
            case .float, .double:
                defaultValue = .number(Double(try node.float("default_float", default: -0.0)))
            default: defaultValue = .int(Int64(try node.int("default_int64", default: -1)))
            }
        }
    }

    /// The `<prefix>_strings|int64s|floats|tensor` attribute as keys with its element type.
    static func list(_ node: NodeContext, prefix: String) throws(KernelError) -> ([Key], DataType)? {
        var found: [([Key], DataType)] = []
        if let s = try node.strings(prefix + "_strings") { found.append((s.map { .string($0) }, .string)) }
        if let i = try node.ints(prefix + "_int64s") { found.append((i.map { .int(Int64($0)) }, .int64)) }
        if let f = try node.floats(prefix + "_floats") { found.append((f.map { .number(Double($0)) }, .float)) }
        if node.sinceVersion >= 4, let t = try node.tensor(prefix + "_tensor") { found.append((try keys(t), t.dtype)) }
        guard found.count <= 1 else { throw KernelError("more than one \(prefix)_* attribute is set") }
        return found.first
    }

    /// Every element of a tensor as a key.
    static func keys(_ t: Tensor) throws(KernelError) -> [Key] {
        switch t.dtype {
        case .string: return t.strings.map { .string($0) }
        case .float, .double, .float16, .bfloat16: return (0..<t.count).map { .number(t.doubleValue(at: $0)) }
        case .int64: return t.elements(as: Int64.self).map { .int($0) }
        case .int8, .int16, .int32, .uint8, .uint16, .uint32, .uint64:
            return (0..<t.count).map { .int(Int64(fromDouble: t.doubleValue(at: $0))) }
        default: throw KernelError("label type \(t.dtype.name) is not supported")
        }
    }

    static func tensor(_ values: [Key], _ type: DataType, _ shape: [Int]) throws(KernelError) -> Tensor {
        func num(_ k: Key) -> Double {
            switch k {
            case let .int(i): return Double(i)
            case let .float(d): return d
            case .nan: return .nan
            case .string: return 0
            }
        }
        switch type {
        case .string:
            return Tensor(strings: values.map { if case let .string(s) = $0 { return s }; return "" }, shape: shape)
        case .int64:
            return Tensor(shape: shape, values.map { k -> Int64 in if case let .int(i) = k { return i }; return Int64(fromDouble: num(k)) })
        case .float: return Tensor(shape: shape, values.map { Float(num($0)) })
        case .double: return Tensor(shape: shape, values.map { num($0) })
        default:
            return try Cast.convert(Tensor(shape: shape, values.map { k -> Int64 in if case let .int(i) = k { return i }; return Int64(fromDouble: num(k)) }), to: type)
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        if let classes {
            switch x.dtype {
            case .string:
                return [.tensor(try LabelEncoder.tensor(x.strings.map { table[.string($0)] ?? defaultValue }, .int64, x.shape))]
            case .int64:
                let d = defaultString
                return [.tensor(Tensor(strings: x.elements(as: Int64.self).map { $0 >= 0 && $0 < Int64(classes.count) ? classes[Int($0)] : d }, shape: x.shape))]
            default: throw KernelError("X must be string or int64, got \(x.dtype.name)")
            }
        }
        let keys = try LabelEncoder.keys(x)
        return [.tensor(try LabelEncoder.tensor(keys.map { table[$0] ?? defaultValue }, outputType, x.shape))]
    }

}

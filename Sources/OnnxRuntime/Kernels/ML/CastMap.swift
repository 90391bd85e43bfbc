import OnnxModel

/// ai.onnx.ml CastMap: a map with int64 keys becomes a [1, N] tensor of its values in key order
/// (DENSE), or of `max_map` slots indexed by key with zeros elsewhere (SPARSE), cast to float,
/// int64 or string.
public struct CastMap: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let castTo: DataType
    let sparse: Bool
    let maxMap: Int

    public init(_ node: NodeContext) throws {
        switch try node.string("cast_to", default: "TO_FLOAT") {
        case "TO_FLOAT": castTo = .float
        case "TO_INT64": castTo = .int64
        case "TO_STRING": castTo = .string
        case let s: throw KernelError("cast_to '\(s)' is not one of TO_FLOAT, TO_STRING, TO_INT64")
        }
        switch try node.string("map_form", default: "DENSE") {
        case "DENSE": sparse = false
        case "SPARSE": sparse = true
        case let s: throw KernelError("map_form '\(s)' is not one of DENSE, SPARSE")
        }
        maxMap = try node.int("max_map", default: 1)
        guard maxMap >= 0 else { throw KernelError("max_map must not be negative") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let v = try inputs.value(0)
        guard case let .map(m) = v else { throw KernelError("X is a \(v.kindText), expected a map") }
        guard m.keys.dtype != .string else { throw KernelError("map keys must be int64") }
        let keys = try ML.int64s(try Cast.convert(m.keys, to: .int64))
        guard keys.count == m.values.count else { throw KernelError("map has \(keys.count) keys and \(m.values.count) values") }
        var items: [(Int64, Tensor)] = []
        for (k, val) in zip(keys, m.values) {
            guard let t = val.tensor, t.count == 1 else { throw KernelError("map values must be single numbers or strings") }
            items.append((k, t))
        }
        items.sort { $0.0 < $1.0 }
        let n = sparse ? maxMap : items.count
        var slots = [Tensor?](repeating: nil, count: n)
        if sparse {
            for (k, t) in items where k >= 0 && k < Int64(n) { slots[Int(k)] = t }
        } else {
            for (i, item) in items.enumerated() { slots[i] = item.1 }
        }
        func string(_ t: Tensor) -> String {
            if t.dtype == .string { return t.strings[0] }
            return Cast.format(t.doubleValue(at: 0), from: t.dtype)
        }
        func number(_ t: Tensor) -> Double { t.dtype == .string ? Cast.parse(t.strings[0]) : t.doubleValue(at: 0) }
        switch castTo {
        case .string: return [.tensor(Tensor(strings: slots.map { $0.map(string) ?? "" }, shape: [1, n]))]
        case .int64: return [.tensor(Tensor(shape: [1, n], slots.map { $0.map { Int64(fromDouble: number($0)) } ?? 0 }))]
        default: return [.tensor(Tensor(shape: [1, n], slots.map { $0.map { Float(number($0)) } ?? 0 }))]
        }
    }
}

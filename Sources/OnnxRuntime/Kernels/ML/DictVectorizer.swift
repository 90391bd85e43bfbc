import OnnxModel

/// ai.onnx.ml DictVectorizer: a map becomes one row [1, V] over the vocabulary (string or int64
/// keys), with the map's value for each vocabulary key and zero for keys it does not hold.
/// A sequence of maps gives one row per map.
public struct DictVectorizer: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let strings: [String]
    let ints: [Int64]

    public init(_ node: NodeContext) throws {
        strings = try node.strings("string_vocabulary") ?? []
        ints = try ML.int64s(node, "int64_vocabulary") ?? []
        guard !strings.isEmpty || !ints.isEmpty else { throw KernelError("needs string_vocabulary or int64_vocabulary") }
    }

    /// Values of one map in vocabulary order (nil where the map lacks the key).
    func row(_ m: MapValue) throws(KernelError) -> [Tensor?] {
        guard m.values.count == m.keys.count else { throw KernelError("map has \(m.keys.count) keys and \(m.values.count) values") }
        var out = [Tensor?](repeating: nil, count: max(strings.count, ints.count))
        func value(_ i: Int) throws(KernelError) -> Tensor {
            guard let t = m.values[i].tensor, t.count == 1 else { throw KernelError("map value \(i) is not a single number") }
            return t
        }
        if !strings.isEmpty {
            guard m.keys.dtype == .string else { throw KernelError("map keys are \(m.keys.dtype.name), the vocabulary is strings") }
            var at: [String: Int] = [:]
            for (i, k) in m.keys.strings.enumerated() { at[k] = i }
            for (j, k) in strings.enumerated() { if let i = at[k] { out[j] = try value(i) } }
        } else {
            guard m.keys.dtype != .string else { throw KernelError("map keys are strings, the vocabulary is int64") }
            var at: [Int64: Int] = [:]
            for (i, k) in try ML.int64s(try Cast.convert(m.keys, to: .int64)).enumerated() { at[k] = i }
            for (j, k) in ints.enumerated() { if let i = at[k] { out[j] = try value(i) } }
        }
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let v = try inputs.value(0)
        let maps: [MapValue]
        switch v {
        case let .map(m): maps = [m]
        case let .sequence(s):
            maps = try s.elements.map { e throws(KernelError) -> MapValue in
                guard case let .map(m) = e else { throw KernelError("sequence element is a \(e.kindText), expected a map") }
                return m
            }
        default: throw KernelError("X is a \(v.kindText), expected a map")
        }
        let width = max(strings.count, ints.count)
        let rows = try maps.map { m throws(KernelError) in try row(m) }
        let dtype = rows.lazy.flatMap { $0 }.compactMap { $0?.dtype }.first ?? maps.first?.values.first?.tensor?.dtype ?? .float
        let out = Tensor.zeros(dtype, [maps.count, width])
        if dtype == .string {
            var s = out.strings
            for (r, row) in rows.enumerated() { for (j, t) in row.enumerated() { if let t { s[r * width + j] = t.strings[0] } } }
            return [.tensor(Tensor(strings: s, shape: out.shape))]
        }
        guard let size = dtype.storageSize else { throw KernelError("map values of type \(dtype.name) are not supported") }
        for (r, row) in rows.enumerated() {
            for (j, t) in row.enumerated() {
                guard let t else { continue }
                let c = t.dtype == dtype ? t : try Cast.convert(t, to: dtype)
                (out.buffer.base + (r * width + j) * size).copyMemory(from: c.buffer.base, byteCount: size)
            }
        }
        return [.tensor(out)]
    }
}

import OnnxModel
import OnnxRuntime

/// Feeds for `run` and `bench`: files given with --input NAME=FILE (.npy or TensorProto .pb) and
/// seeded random tensors for the rest (--random-inputs), with symbolic dims bound by --dim.
public struct RunInputs {
    public var files: [(name: String, path: String)] = []
    public var random = false
    public var dims: [String: Int] = [:]
    public var seed: UInt64 = 0

    public init() {}

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `NAME=VALUE`.
    public static func pair(_ s: String, what: String) throws(Failure) -> (String, String) {
        guard let eq = s.lastIndex(of: "="), eq != s.startIndex else { throw Failure(description: "\(what) '\(s)' is not NAME=VALUE") }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    /// Graph inputs that must be fed (inputs with an initializer of the same name are optional).
    public static func requiredInputs(_ m: Model) -> [ValueInfo] {
        let inits = Set(m.graph.initializers.map(\.name))
        return m.graph.inputs.filter { !inits.contains($0.name) }
    }

    /// Random integers are drawn from 0..<10, or from 0..<N for an input that indexes (as Gather's
    /// indices) a table of N rows held in an initializer: embedding lookups such as BERT's
    /// token_type_ids (a table of 2) then stay inside the table.
    public static let defaultIntegerRange: UInt64 = 10

    /// The exclusive upper bound of random integers for each graph input that needs a smaller one.
    public static func integerBounds(_ m: Model) -> [String: UInt64] {
        let g = m.graph
        let inputs = Set(requiredInputs(m).map(\.name))
        var tables: [String: [Int64]] = [:]
        for t in g.initializers { tables[t.name] = t.dims }
        var out: [String: UInt64] = [:]
        for n in g.nodes where n.opType == "Gather" && OpsetImport.canonicalDomain(n.domain).isEmpty && n.inputs.count >= 2 {
            let ids = n.inputs[1]
            guard inputs.contains(ids), let dims = tables[n.inputs[0]], !dims.isEmpty else { continue }
            var axis = 0
            if let a = n.attributes.first(where: { $0.name == "axis" }), case let .int(v) = a.value { axis = Int(clamping: v) }
            if axis < 0 { axis += dims.count }
            guard axis >= 0, axis < dims.count, dims[axis] > 0 else { continue }
            out[ids] = min(out[ids] ?? defaultIntegerRange, UInt64(dims[axis]))
        }
        return out
    }

    public func feeds(for m: Model) throws(Failure) -> [String: Value] {
        var out: [String: Value] = [:]
        let infos = Dictionary(m.graph.inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, path) in files {
            guard let info = infos[name] else {
                throw Failure(description: "--input \(name): the model has no input named '\(name)' (inputs: \(m.graph.inputs.map(\.name).joined(separator: ", ")))")
            }
            let v: Value
            if path.hasSuffix(".npy") {
                do { v = .tensor(try Npy.read(path: path)) } catch { throw Failure(description: "--input \(name): \(error.message)") }
            } else {
                do {
                    v = try Value(data: try ModelLoader.loadData(path: path, kind: DataValueKind(info.type)))
                } catch let e as LoadError {
                    throw Failure(description: "--input \(name): \(e.description)")
                } catch {
                    throw Failure(description: "--input \(name): \(path): \(error)")
                }
            }
            if case let .tensor(elem, _)? = info.type?.kind, let t = v.tensor, elem != 0, elem != t.dtype.rawValue {
                throw Failure(description: "--input \(name): \(path) holds \(t.dtype.name), the model expects \(DataType.name(code: elem))")
            }
            out[name] = v
        }
        var rng = SplitMix64(seed: seed)
        let bounds = RunInputs.integerBounds(m)
        for info in RunInputs.requiredInputs(m) where out[info.name] == nil {
            guard random else {
                throw Failure(description: "missing input '\(info.name)' (\(info.type?.text ?? "?")): pass --input \(info.name)=FILE or --random-inputs")
            }
            out[info.name] = try randomValue(info, integerRange: bounds[info.name] ?? RunInputs.defaultIntegerRange, &rng)
        }
        return out
    }

    func randomValue(_ info: ValueInfo, integerRange: UInt64, _ rng: inout SplitMix64) throws(Failure) -> Value {
        guard case let .tensor(elem, shape)? = info.type?.kind, let type = DataType(rawValue: elem) else {
            throw Failure(description: "input '\(info.name)' is a \(info.type?.text ?? "value of unknown type"): --random-inputs makes tensors only")
        }
        var dimsOut: [Int] = []
        for d in shape?.dims ?? [] {
            switch d.value {
            case let .value(v): dimsOut.append(max(Int(v), 0))
            case let .param(p): dimsOut.append(dims[p] ?? 1)
            case .unknown: dimsOut.append(1)
            }
        }
        let n = Tensor.elementCount(dimsOut)
        guard n <= 1 << 31 else { throw Failure(description: "input '\(info.name)' would have \(n) elements") }
        switch type {
        case .string:
            return .tensor(Tensor(strings: [String](repeating: "", count: n), shape: dimsOut))
        case .bool:
            return .tensor(Tensor(dtype: .bool, shape: dimsOut, (0..<n).map { _ in rng.next() & 1 == 1 }))
        case let t where t.isInteger:
            let v = Tensor(shape: dimsOut, (0..<n).map { _ in Int64(rng.next() % integerRange) })
            do { return .tensor(try Cast.convert(v, to: t)) } catch { throw Failure(description: error.message) }
        case let t where t.isFloatingPoint:
            let v = Tensor(shape: dimsOut, (0..<n).map { _ in Float(rng.normal()) })
            do { return .tensor(try Cast.convert(v, to: t)) } catch { throw Failure(description: error.message) }
        default:
            throw Failure(description: "input '\(info.name)': --random-inputs cannot make \(type.name) tensors")
        }
    }
}

/// A small seeded generator (SplitMix64) with a Box-Muller normal.
public struct SplitMix64 {
    var state: UInt64
    var spare: Double?

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    public mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9007199254740992.0 }

    public mutating func normal() -> Double {
        if let s = spare { spare = nil; return s }
        let u = uniform(), v = uniform()
        let r = (-2 * Double.log(u)).squareRoot()
        spare = r * Double.sin(2 * Double.pi * v)
        return r * Double.cos(2 * Double.pi * v)
    }
}

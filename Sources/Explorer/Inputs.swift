#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import OnnxRuntime
import Reports

/// Builds a session's feeds from an `InputConfig`. Random inputs use the same generator, order
/// and value rules as `onnx-explorer run --random-inputs --seed S`, so `random normal (mean 0,
/// std 1)` with seed S gives the very tensors `run` uses.
enum FeedBuilder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Graph inputs a session must feed (an initializer of the same name makes one optional).
    static func requiredInputs(_ m: Model) -> [ValueInfo] { RunInputs.requiredInputs(m) }

    /// Names of the symbolic dims of the required inputs, in order of appearance.
    static func symbolicDims(_ m: Model) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for info in requiredInputs(m) {
            guard case let .tensor(_, shape)? = info.type?.kind else { continue }
            for d in shape?.dims ?? [] {
                if case let .param(p) = d.value, !p.isEmpty, seen.insert(p).inserted { out.append(p) }
            }
        }
        return out
    }

    /// The concrete shape an input gets under `config`.
    static func shape(_ info: ValueInfo, _ config: InputConfig) -> [Int]? {
        guard case let .tensor(_, shape)? = info.type?.kind else { return nil }
        return (shape?.dims ?? []).map { d in
            switch d.value {
            case let .value(v): return max(Int(v), 0)
            case let .param(p): return config.dim(p)
            case .unknown: return 1
            }
        }
    }

    static func feeds(model m: Model, config: InputConfig) throws(Failure) -> (feeds: [String: Value], descriptions: [String]) {
        var out: [String: Value] = [:]
        var text: [String] = []
        var rng = SplitMix64(seed: config.seed)
        let bounds = RunInputs.integerBounds(m)
        for info in requiredInputs(m) {
            let src = config.source(info.name)
            let v: Value
            switch src {
            case let .file(path): v = try load(path, info)
            default: v = try generate(info, src, config, integerRange: bounds[info.name] ?? RunInputs.defaultIntegerRange, &rng)
            }
            out[info.name] = v
            text.append("\(info.name) = \(src.text)" + (v.tensor.map { " " + $0.description } ?? ""))
        }
        return (out, text)
    }

    static func load(_ path: String, _ info: ValueInfo) throws(Failure) -> Value {
        let v: Value
        if path.hasSuffix(".npy") {
            do { v = .tensor(try Npy.read(path: path)) } catch { throw Failure(description: "input '\(info.name)': \(path): \(error.message)") }
        } else {
            do {
                v = try Value(data: try ModelLoader.loadData(path: path, kind: DataValueKind(info.type)))
            } catch let e as LoadError {
                throw Failure(description: "input '\(info.name)': \(e.description)")
            } catch {
                throw Failure(description: "input '\(info.name)': \(path): \(error)")
            }
        }
        if case let .tensor(elem, _)? = info.type?.kind, let t = v.tensor, elem != 0, elem != t.dtype.rawValue {
            throw Failure(description: "input '\(info.name)': \(path) holds \(t.dtype.name), the model expects \(DataType.name(code: elem))")
        }
        return v
    }

    static func generate(_ info: ValueInfo, _ src: InputSource, _ config: InputConfig, integerRange: UInt64 = RunInputs.defaultIntegerRange,
                         _ rng: inout SplitMix64) throws(Failure) -> Value {
        guard case let .tensor(elem, _)? = info.type?.kind, let type = DataType(rawValue: elem), let dims = shape(info, config) else {
            throw Failure(description: "input '\(info.name)' is a \(info.type?.text ?? "value of unknown type"): only tensors can be generated; choose a file")
        }
        let n = Tensor.elementCount(dims)
        guard n <= 1 << 31 else { throw Failure(description: "input '\(info.name)' would have \(n) elements (bind its symbolic dims with i)") }
        func converted(_ t: Tensor) throws(Failure) -> Value {
            if t.dtype == type { return .tensor(t) }
            do { return .tensor(try Cast.convert(t, to: type)) } catch { throw Failure(description: "input '\(info.name)': \(error.message)") }
        }
        switch type {
        case .string:
            return .tensor(Tensor(strings: [String](repeating: "", count: n), shape: dims))
        case .bool:
            switch src {
            case .zeros: return .tensor(Tensor(dtype: .bool, shape: dims, [Bool](repeating: false, count: n)))
            case .ones: return .tensor(Tensor(dtype: .bool, shape: dims, [Bool](repeating: true, count: n)))
            case let .uniform(lo, hi): return .tensor(Tensor(dtype: .bool, shape: dims, (0..<n).map { _ in lo + (hi - lo) * rng.uniform() >= 0.5 }))
            default: return .tensor(Tensor(dtype: .bool, shape: dims, (0..<n).map { _ in rng.next() & 1 == 1 }))
            }
        case let t where t.isInteger:
            let values: [Int64]
            switch src {
            case .zeros: values = [Int64](repeating: 0, count: n)
            case .ones: values = [Int64](repeating: 1, count: n)
            case let .uniform(lo, hi): values = (0..<n).map { _ in Int64((lo + (hi - lo) * rng.uniform()).rounded(.down)) }
            default: values = (0..<n).map { _ in Int64(rng.next() % integerRange) }
            }
            return try converted(Tensor(shape: dims, values))
        case let t where t.isFloatingPoint:
            let values: [Float]
            switch src {
            case .zeros: values = [Float](repeating: 0, count: n)
            case .ones: values = [Float](repeating: 1, count: n)
            case let .uniform(lo, hi): values = (0..<n).map { _ in Float(lo + (hi - lo) * rng.uniform()) }
            case let .normal(mean, std):
                if mean == 0 && std == 1 {
                    values = (0..<n).map { _ in Float(rng.normal()) }
                } else {
                    values = (0..<n).map { _ in Float(mean + std * rng.normal()) }
                }
            case .file: values = []
            }
            return try converted(Tensor(shape: dims, values))
        default:
            throw Failure(description: "input '\(info.name)': cannot generate \(type.name) tensors; choose a file")
        }
    }
}

/// Remembers each model's `InputConfig` between sessions, one small text file per model under
/// `$XDG_STATE_HOME/onnx-explorer/inputs/` (default `~/.local/state`).
public struct InputStore: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// `$XDG_STATE_HOME/onnx-explorer` or `~/.local/state/onnx-explorer`; nil without either.
    public static func defaultStateDirectory() -> String? {
        if let x = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), x.hasPrefix("/") { return x + "/onnx-explorer" }
        if let h = getenv("HOME").map({ String(cString: $0) }), !h.isEmpty { return h + "/.local/state/onnx-explorer" }
        return nil
    }

    /// The file for a model: a hash of its absolute path (the path is also stored inside).
    func file(for modelPath: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in InputStore.absolute(modelPath).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return directory + "/inputs/" + String(repeating: "0", count: 16 - hex.count) + hex + ".txt"
    }

    static func absolute(_ path: String) -> String {
        guard let r = realpath(path, nil) else { return path }
        defer { free(r) }
        return String(cString: r)
    }

    public func load(modelPath: String) -> InputConfig? {
        guard let bytes = try? Files.read(file(for: modelPath)) else { return nil }
        return InputStore.parse(String(decoding: bytes, as: UTF8.self), modelPath: InputStore.absolute(modelPath))
    }

    public func save(_ c: InputConfig, modelPath: String) throws(Files.Failure) {
        try Files.makeDirectory(directory + "/inputs")
        try Files.write(file(for: modelPath), InputStore.serialize(c, modelPath: InputStore.absolute(modelPath)))
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func unescape(_ s: Substring) -> String {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            guard c == "\\", let n = it.next() else { out.unicodeScalars.append(c); continue }
            switch n {
            case "t": out += "\t"
            case "n": out += "\n"
            case "r": out += "\r"
            default: out.unicodeScalars.append(n)
            }
        }
        return out
    }

    static func serialize(_ c: InputConfig, modelPath: String) -> String {
        var lines = ["onnx-explorer inputs 1", "model\t" + escape(modelPath), "seed\t\(c.seed)"]
        for (k, v) in c.dims.sorted(by: { $0.key < $1.key }) { lines.append("dim\t\(escape(k))\t\(v)") }
        for (k, src) in c.sources.sorted(by: { $0.key < $1.key }) {
            var l = "input\t" + escape(k) + "\t"
            switch src {
            case let .normal(m, s): l += "normal\t\(m)\t\(s)"
            case let .uniform(lo, hi): l += "uniform\t\(lo)\t\(hi)"
            case .zeros: l += "zeros"
            case .ones: l += "ones"
            case let .file(p): l += "file\t" + escape(p)
            }
            lines.append(l)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// nil when the text is not an inputs file or was written for another model.
    static func parse(_ text: String, modelPath: String) -> InputConfig? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == "onnx-explorer inputs 1" else { return nil }
        var c = InputConfig()
        var sawModel = false
        for line in lines.dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            switch f.first {
            case "model"?:
                guard f.count == 2, unescape(f[1]) == modelPath else { return nil }
                sawModel = true
            case "seed"?:
                if f.count == 2, let s = UInt64(f[1]) { c.seed = s }
            case "dim"?:
                if f.count == 3, let v = Int(f[2]), v >= 0 { c.dims[unescape(f[1])] = v }
            case "input"?:
                guard f.count >= 3 else { continue }
                let name = unescape(f[1])
                switch (f[2], f.count) {
                case ("normal", 5): if let m = Double(f[3]), let s = Double(f[4]) { c.sources[name] = .normal(mean: m, std: s) }
                case ("uniform", 5): if let l = Double(f[3]), let h = Double(f[4]) { c.sources[name] = .uniform(low: l, high: h) }
                case ("zeros", 3): c.sources[name] = .zeros
                case ("ones", 3): c.sources[name] = .ones
                case ("file", 4): c.sources[name] = .file(unescape(f[3]))
                default: continue
                }
            default:
                continue
            }
        }
        return sawModel ? c : nil
    }
}

import OnnxModel
import OnnxRuntime

/// Expected values to compare a session with, matched by tensor name: a `--dump-dir` folder of
/// `onnx-explorer run` (index.json maps names to .npy files; values of subgraph frames are named
/// `FRAME/NAME`), a backend-test `test_data_set_N` folder (output_K.pb / input_K.pb, matched to
/// the graph's outputs and inputs by position), or a folder of NAME.npy files. Files are read
/// when a value is first compared. Public for the headless `run` (`--reference`).
public final class ReferenceSet {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let info: ReferenceInfo
    /// Tensor name -> file.
    private let files: [String: String]
    /// Names with unsafe characters mapped to '_' (how `--dump-dir` and most tools name files).
    private let sanitizedFiles: [String: String]
    private let kinds: [String: DataValueKind]
    private var cache: [String: Value] = [:]
    private var cacheOrder: [String] = []
    private var cacheBytes = 0
    private var missing = Set<String>()
    static let cacheLimit = 256 << 20

    private init(info: ReferenceInfo, files: [String: String], sanitized: [String: String], kinds: [String: DataValueKind]) {
        self.info = info
        self.files = files
        self.sanitizedFiles = sanitized
        self.kinds = kinds
    }

    public var count: Int { files.count + sanitizedFiles.count }

    /// Whether the set has a value for `name` (without reading it).
    public func has(_ name: String) -> Bool { files[name] != nil || sanitizedFiles[ReferenceSet.safeName(name)] != nil }

    /// The expected value for `name`, nil when the set has none or it cannot be read.
    public func value(for name: String) -> Value? {
        if let v = cache[name] { return v }
        guard !missing.contains(name), let path = files[name] ?? sanitizedFiles[ReferenceSet.safeName(name)] else { return nil }
        var v: Value?
        if path.hasSuffix(".npy") {
            v = (try? Npy.read(path: path)).map { Value.tensor($0) }
        } else if let d = try? ModelLoader.loadData(path: path, kind: kinds[name] ?? .tensor) {
            v = try? Value(data: d)
        }
        guard let v else {
            missing.insert(name)
            return nil
        }
        cache[name] = v
        cacheOrder.append(name)
        cacheBytes += v.byteCount
        while cacheBytes > ReferenceSet.cacheLimit, cacheOrder.count > 1 {
            let old = cacheOrder.removeFirst()
            cacheBytes -= cache.removeValue(forKey: old)?.byteCount ?? 0
        }
        return v
    }

    /// `name` with every character but ASCII letters, digits, '.', '-' and '_' made '_'.
    public static func safeName(_ name: String) -> String {
        var base = String(name.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_") ? c : "_"
        })
        if base.isEmpty || base.hasPrefix(".") { base = "_" + base }
        return base
    }

    public static func load(path: String, model: Model) throws(Failure) -> ReferenceSet {
        guard Files.exists(path) else { throw Failure(description: "\(path): no such file or directory") }
        let inputs = RunInputs.requiredInputs(model).map(\.name)
        let inputSet = Set(model.graph.inputs.map(\.name))
        if !Files.isDirectory(path) {
            guard path.hasSuffix(".npy") || path.hasSuffix(".pb") else { throw Failure(description: "\(path): expected a folder, a .npy or a .pb file") }
            var name = Files.basename(path)
            name.removeLast(path.hasSuffix(".npy") ? 4 : 3)
            let info = ReferenceInfo(path: path, format: "one file", count: 1, inputFiles: [:])
            return ReferenceSet(info: info, files: [name: path], sanitized: [:], kinds: [:])
        }
        var dir = path
        var entries: [String]
        do { entries = try Files.list(dir) } catch { throw Failure(description: error.description) }
        // A backend test case folder: use its first data set.
        if !entries.contains(where: { $0.hasSuffix(".pb") || $0.hasSuffix(".npy") || $0 == "index.json" }),
           let set = entries.first(where: { $0.hasPrefix("test_data_set_") && Files.isDirectory(Files.join(path, $0)) }) {
            dir = Files.join(path, set)
            do { entries = try Files.list(dir) } catch { throw Failure(description: error.description) }
        }
        if entries.contains("index.json") {
            let text: String
            do { text = String(decoding: try Files.read(Files.join(dir, "index.json")), as: UTF8.self) } catch { throw Failure(description: error.description) }
            guard let json = MiniJSON.parse(text), case let .object(top)? = json["tensors"] else {
                throw Failure(description: "\(Files.join(dir, "index.json")): not an index written by --dump-dir (no \"tensors\" object)")
            }
            var files: [String: String] = [:]
            var inputFiles: [String: String] = [:]
            for (name, entry) in top {
                guard case let .string(f)? = entry["file"], !f.contains("/"), !f.hasPrefix(".") || f.hasPrefix("._") else { continue }
                files[name] = Files.join(dir, f)
                if inputSet.contains(name) { inputFiles[name] = Files.join(dir, f) }
            }
            let info = ReferenceInfo(path: dir, format: "--dump-dir index", count: files.count, inputFiles: inputFiles)
            return ReferenceSet(info: info, files: files, sanitized: [:], kinds: [:])
        }
        let outputsPB = numbered(entries, prefix: "output_")
        let inputsPB = numbered(entries, prefix: "input_")
        if !outputsPB.isEmpty || !inputsPB.isEmpty {
            var files: [String: String] = [:]
            var kinds: [String: DataValueKind] = [:]
            var inputFiles: [String: String] = [:]
            for (k, f) in outputsPB.enumerated() where k < model.graph.outputs.count {
                let o = model.graph.outputs[k]
                files[o.name] = Files.join(dir, f)
                kinds[o.name] = DataValueKind(o.type)
            }
            let infos = RunInputs.requiredInputs(model)
            for (k, f) in inputsPB.enumerated() where k < infos.count {
                files[infos[k].name] = Files.join(dir, f)
                kinds[infos[k].name] = DataValueKind(infos[k].type)
                inputFiles[infos[k].name] = Files.join(dir, f)
            }
            let info = ReferenceInfo(path: dir, format: "test_data_set", count: files.count, inputFiles: inputFiles)
            return ReferenceSet(info: info, files: files, sanitized: [:], kinds: kinds)
        }
        let npys = entries.filter { $0.hasSuffix(".npy") }
        guard !npys.isEmpty else { throw Failure(description: "\(path): no index.json, output_K.pb or .npy files") }
        var files: [String: String] = [:]
        var inputFiles: [String: String] = [:]
        for f in npys {
            let name = String(f.dropLast(4))
            files[name] = Files.join(dir, f)
        }
        for name in inputs {
            if let f = files[name] ?? files[safeName(name)] { inputFiles[name] = f }
        }
        let info = ReferenceInfo(path: dir, format: ".npy files", count: files.count, inputFiles: inputFiles)
        // Files are named after the (made safe) tensor names: look names up both ways.
        return ReferenceSet(info: info, files: [:], sanitized: files, kinds: [:])
    }

    static func numbered(_ files: [String], prefix: String) -> [String] {
        files.compactMap { f -> (Int, String)? in
            guard f.hasPrefix(prefix), f.hasSuffix(".pb"), let n = Int(f.dropFirst(prefix.count).dropLast(3)) else { return nil }
            return (n, f)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: comparison

    /// Compares `actual` with `expected` element-wise: an element differs when
    /// |a - e| > atol + rtol * |e| (NaN equals NaN). Element types may differ (a float16 value
    /// against a float32 dump); element counts must match.
    public static func diff(_ actual: Value, _ expected: Value, name: String, rtol: Double, atol: Double) -> DiffSummary {
        var d = DiffSummary(name: name)
        guard let a = actual.tensor ?? unwrap(actual), let e = expected.tensor ?? unwrap(expected) else {
            d.mismatch = "not tensors (\(actual.kindText) vs \(expected.kindText))"
            return d
        }
        guard a.count == e.count else {
            d.mismatch = "shape [\(a.shape.map(String.init).joined(separator: ","))] vs reference [\(e.shape.map(String.init).joined(separator: ","))]"
            return d
        }
        d.count = a.count
        if a.dtype == .string || e.dtype == .string {
            guard a.dtype == e.dtype else { d.mismatch = "\(a.dtype.name) vs reference \(e.dtype.name)"; return d }
            for i in 0..<a.count where a.strings[i] != e.strings[i] {
                d.differing += 1
                if d.worst == nil { d.worst = i }
            }
            return d
        }
        guard !a.dtype.isComplex, !e.dtype.isComplex else { d.mismatch = "complex values are not compared"; return d }
        var worstAbs = -1.0
        func visit(_ x: Double, _ y: Double, _ i: Int) {
            if x.isNaN && y.isNaN { return }
            if x == y { return }
            let diff = abs(x - y)
            let bad = !(diff <= atol + rtol * abs(y))
            if bad { d.differing += 1 }
            let rel = y == 0 ? (diff == 0 ? 0 : Double.infinity) : diff / abs(y)
            let da = diff.isNaN ? Double.infinity : diff
            if da > worstAbs {
                worstAbs = da
                d.maxAbs = da
                d.worst = i
            }
            if bad || rel.isFinite { d.maxRel = max(d.maxRel, rel.isNaN ? .infinity : rel) }
        }
        if a.dtype == .float && e.dtype == .float {
            a.withUnsafeBuffer(as: Float.self) { pa in
                e.withUnsafeBuffer(as: Float.self) { pe in
                    for i in 0..<pa.count { visit(Double(pa[i]), Double(pe[i]), i) }
                }
            }
        } else {
            for i in 0..<a.count { visit(a.doubleValue(at: i), e.doubleValue(at: i), i) }
        }
        return d
    }

    static func unwrap(_ v: Value) -> Tensor? {
        if case let .optional(inner?) = v { return inner.tensor }
        return nil
    }
}

/// Just enough JSON to read an index.json: objects keep their key order.
public indirect enum MiniJSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([MiniJSON])
    case object([(String, MiniJSON)])

    public static func == (a: MiniJSON, b: MiniJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> MiniJSON? {
        if case let .object(kv) = self { return kv.first { $0.0 == key }?.1 }
        return nil
    }

    public static func parse(_ text: String) -> MiniJSON? {
        var p = Parser(bytes: Array(text.utf8))
        guard let v = p.value(depth: 0) else { return nil }
        p.skipSpace()
        return p.pos == p.bytes.count ? v : nil
    }

    struct Parser {
        let bytes: [UInt8]
        var pos = 0

        mutating func skipSpace() {
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
        }

        mutating func literal(_ s: String) -> Bool {
            let u = Array(s.utf8)
            guard pos + u.count <= bytes.count, Array(bytes[pos..<pos + u.count]) == u else { return false }
            pos += u.count
            return true
        }

        mutating func value(depth: Int) -> MiniJSON? {
            guard depth < 64 else { return nil }
            skipSpace()
            guard pos < bytes.count else { return nil }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                var kv: [(String, MiniJSON)] = []
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(kv) }
                while true {
                    skipSpace()
                    guard let k = string() else { return nil }
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return nil }
                    pos += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    kv.append((k, v))
                    skipSpace()
                    guard pos < bytes.count else { return nil }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(kv) }
                    return nil
                }
            case UInt8(ascii: "["):
                pos += 1
                var items: [MiniJSON] = []
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    skipSpace()
                    guard pos < bytes.count else { return nil }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string().map(MiniJSON.string)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default:
                let start = pos
                while pos < bytes.count, "0123456789+-.eE".utf8.contains(bytes[pos]) { pos += 1 }
                guard pos > start, let d = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else { return nil }
                return .number(d)
            }
        }

        mutating func hex4() -> UInt32? {
            guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16) else { return nil }
            pos += 4
            return v
        }

        mutating func string() -> String? {
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return nil }
            pos += 1
            var out: [UInt8] = []
            while pos < bytes.count {
                let b = bytes[pos]
                pos += 1
                if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard b == UInt8(ascii: "\\") else { out.append(b); continue }
                guard pos < bytes.count else { return nil }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard var c = hex4() else { return nil }
                    if c >= 0xD800 && c < 0xDC00, literal("\\u"), let lo = hex4(), lo >= 0xDC00 && lo < 0xE000 {
                        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(c).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
            }
            return nil
        }
    }
}

/// How an output compares with its reference tensor.
public struct DiffSummary: Sendable, Equatable {
    /// The reference name compared (frame-qualified for subgraph values).
    public var name: String

    public init(name: String) { self.name = name }
    public var maxAbs = 0.0
    public var maxRel = 0.0
    public var differing = 0
    public var count = 0
    /// Flat index of the largest error.
    public var worst: Int?
    /// Set when the values cannot be compared (dtype or shape mismatch).
    public var mismatch: String?
    public var exceeds: Bool { mismatch != nil || differing > 0 }
}

/// What a reference folder holds.
public struct ReferenceInfo: Sendable {
    public var path: String
    public var format: String
    public var count: Int
    /// Graph input name -> file, when the reference carries the inputs it was made from.
    public var inputFiles: [String: String]
}

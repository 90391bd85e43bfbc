#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import OnnxModel

/// Pure text formatting shared by the panes. Output is program text; model strings inside it
/// are sanitised when drawn.
enum Fmt {
    /// `printf("%.*g")` without Foundation.
    static func g(_ v: Double, _ precision: Int = 6) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        var buf = [CChar](repeating: 0, count: 48)
        _ = withVaList([Int32(precision), v]) { args in
            buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 48, "%.*g", args) }
        }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `1.2 MB` style (powers of 1024, names as commonly written).
    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KB", "MB", "GB", "TB", "PB"]
        var v = Double(n) / 1024
        var u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return (v >= 100 ? g(v.rounded(), 4) : g(v, 3)) + " " + units[u]
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func dims(_ d: [Int64]) -> String { "[" + d.map(String.init).joined(separator: ",") + "]" }

    static func type(_ t: TypeInfo?) -> String { t?.text ?? "?" }

    /// A tensor's type and size: `float32[64,3,3,3]  1,728 el  6.75 KB`.
    static func tensorSummary(_ t: TensorData) -> String {
        var s = t.typeText
        if let n = t.elementCount { s += "  \(grouped(n)) el" }
        s += "  " + bytes(t.expectedByteCount ?? t.storedByteCount)
        if t.isExternal { s += "  external" }
        return s
    }

    static func limitedList<T>(_ xs: [T], max: Int = 16, _ f: (T) -> String) -> String {
        let head = xs.prefix(max).map(f).joined(separator: ", ")
        return "[" + head + (xs.count > max ? ", ... (\(xs.count) total)" : "") + "]"
    }

    static func bytesString(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    /// One-line rendering of an attribute value (tensors summarised, subgraphs counted).
    static func attribute(_ v: AttributeValue) -> String {
        switch v {
        case .undefined: return "undefined"
        case let .float(f): return g(Double(f), 7)
        case let .int(i): return String(i)
        case let .string(s): return "\"" + bytesString(s) + "\""
        case let .tensor(t): return "tensor " + tensorSummary(t)
        case let .graph(gr): return "graph '\(gr.name)' (\(gr.nodes.count) nodes)"
        case let .sparseTensor(s): return "sparse tensor " + DataType.name(code: s.values.elemType) + dims(s.dims)
        case let .typeProto(t): return "type " + t.text
        case let .floats(fs): return limitedList(fs) { g(Double($0), 7) }
        case let .ints(is_): return limitedList(is_) { String($0) }
        case let .strings(ss): return limitedList(ss) { "\"" + bytesString($0) + "\"" }
        case let .tensors(ts): return "\(ts.count) tensors " + limitedList(ts, max: 4) { $0.typeText }
        case let .graphs(gs): return "\(gs.count) graphs " + limitedList(gs, max: 4) { "'\($0.name)'" }
        case let .sparseTensors(ss): return "\(ss.count) sparse tensors"
        case let .typeProtos(ts): return limitedList(ts, max: 8) { $0.text }
        }
    }

    /// Top op types of a histogram: "MatMul 4, Add 3, Relu 1, …".
    static func opMix(_ counts: [(String, Int)], max: Int = 3) -> String {
        let top = counts.prefix(max).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        return counts.count > max ? top + ", ..." : top
    }

    static func plural(_ n: Int, _ word: String) -> String {
        if n == 1 { return "1 " + word }
        let es = word.hasSuffix("ch") || word.hasSuffix("sh") || word.hasSuffix("s") || word.hasSuffix("x")
        return "\(grouped(n)) \(word)\(es ? "es" : "s")"
    }
}

import OnnxModel

/// Small pure formatting helpers shared by the headless reports and the TUI.
public enum Format {
    /// "1.5 KB", "12.3 MB": decimal units, as file managers show them.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1000 && u < units.count - 1 { v /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : String(format1(v)) + " " + units[u]
    }

    /// "12,345,678".
    public static func grouped(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    static func format1(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A value's type as text with symbolic dims: `float32[N,3,224,224]`.
    public static func type(_ t: TypeInfo?) -> String { t?.text ?? "?" }

    /// Shape as JSON: ints, dim names, null for unknown; null when the type has no shape.
    public static func shapeJSON(_ t: TypeInfo?) -> JSON {
        let shape: TensorShape?
        switch t?.kind {
        case let .tensor(_, s)?: shape = s
        case let .sparseTensor(_, s)?: shape = s
        default: return .null
        }
        guard let shape else { return .null }
        return .array(shape.dims.map {
            switch $0.value {
            case let .value(v): return .int(Int(v))
            case let .param(p): return .string(p)
            case .unknown: return .null
            }
        })
    }

    /// dtype name for tensors, the whole type text otherwise.
    public static func dtype(_ t: TypeInfo?) -> String {
        switch t?.kind {
        case let .tensor(e, _)?: return DataType.name(code: e)
        case let .sparseTensor(e, _)?: return DataType.name(code: e)
        case nil: return "?"
        default: return t!.text
        }
    }
}

extension Format {
    /// `s` padded with spaces to `width` characters (never truncated).
    public static func pad(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    /// `s` right-aligned in `width` characters (never truncated).
    public static func padLeft(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }
}

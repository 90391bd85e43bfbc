/// Model strings are untrusted: names, doc strings and metadata may hold terminal escape sequences.
/// Everything printed to a terminal goes through `escaped`.
public enum TextHygiene {
    /// Whether `c` must not reach a terminal raw: C0/C1 controls, DEL, and bidi overrides/isolates.
    public static func isUnsafe(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x20 || v == 0x7f || (0x80...0x9f).contains(v) { return true }
        if (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200e || v == 0x200f { return true }
        return false
    }

    public static func containsUnsafe(_ s: String) -> Bool { s.unicodeScalars.contains(where: isUnsafe) }

    /// `s` with every unsafe scalar shown escaped: `\n`, `\t`, `\e`, `\u{202e}`.
    public static func escaped(_ s: String) -> String {
        guard containsUnsafe(s) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            guard isUnsafe(c) else { out.unicodeScalars.append(c); continue }
            switch c {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{1b}": out += "\\e"
            default: out += "\\u{" + String(c.value, radix: 16) + "}"
            }
        }
        return out
    }
}

// Every string that comes from a model file is untrusted: it may hold escape sequences that would
// move the cursor, change colours, retitle the window or worse if written to a terminal raw.

/// `s` with every control character, escape sequence introducer and invisible/bidi control
/// replaced by a visible escape: ESC -> `\e`, newline -> `\n`, other C0 -> `\x01`, DEL -> `\x7f`,
/// C1 controls, bidi overrides/isolates, line/paragraph separators, BOM and other format
/// characters -> `\u{202E}`. Printable text (including combining marks, emoji ZWJ sequences and
/// wide characters) passes unchanged. The result contains only printable characters.
public func sanitize(_ s: String) -> String {
    if isPlainPrintable(s) { return s }
    var out = String.UnicodeScalarView()
    var previousJoinsEmoji = false
    for u in s.unicodeScalars {
        if let esc = escapeFor(u, afterEmoji: previousJoinsEmoji) {
            out.append(contentsOf: esc.unicodeScalars)
            previousJoinsEmoji = false
        } else {
            out.append(u)
            previousJoinsEmoji = continuesEmoji(u)
        }
    }
    return String(out)
}

/// `sanitize` applied line by line: splits on `\n`, `\r\n` and `\r` first, so multi-line text
/// (doc strings) keeps its line structure; tabs become spaces up to the next multiple of `tabWidth`.
public func sanitizeLines(_ s: String, tabWidth: Int = 4) -> [String] {
    var lines: [String] = []
    var current = ""
    var previousCR = false
    for u in s.unicodeScalars {
        if u == "\n" {
            if !previousCR { lines.append(current); current = "" }
            previousCR = false
            continue
        }
        previousCR = false
        if u == "\r" {
            lines.append(current); current = ""
            previousCR = true
            continue
        }
        if u == "\t" {
            let col = displayWidth(sanitize(current))
            let n = tabWidth - col % max(1, tabWidth)
            current += String(repeating: " ", count: max(1, n))
            continue
        }
        current.unicodeScalars.append(u)
    }
    lines.append(current)
    return lines.map(sanitize)
}

@inline(__always)
private func continuesEmoji(_ u: Unicode.Scalar) -> Bool {
    let v = u.value
    return v == 0x200D || v == 0xFE0F || (0xE0020...0xE007F).contains(v) || (v >= 0x80 && u.properties.isEmoji)
}

/// Fast check: ASCII printable only.
@inline(__always)
private func isPlainPrintable(_ s: String) -> Bool {
    for b in s.utf8 where b < 0x20 || b >= 0x7F { return isUnicodePrintable(s) }
    return true
}

private func isUnicodePrintable(_ s: String) -> Bool {
    var previousJoinsEmoji = false
    for u in s.unicodeScalars {
        if escapeFor(u, afterEmoji: previousJoinsEmoji) != nil { return false }
        previousJoinsEmoji = continuesEmoji(u)
    }
    return true
}

/// The visible escape for a scalar that must not reach the terminal, or nil when it is printable.
private func escapeFor(_ u: Unicode.Scalar, afterEmoji: Bool) -> String? {
    let v = u.value
    switch v {
    case 0x00: return "\\0"
    case 0x07: return "\\a"
    case 0x08: return "\\b"
    case 0x09: return "\\t"
    case 0x0A: return "\\n"
    case 0x0B: return "\\v"
    case 0x0C: return "\\f"
    case 0x0D: return "\\r"
    case 0x1B: return "\\e"
    case 0x01...0x1F, 0x7F: return "\\x" + hex(v, digits: 2)
    case 0x20...0x7E: return nil
    case 0x80...0x9F: return "\\u{" + hex(v, digits: 2) + "}"
    // Bidi embeddings/overrides/isolates and marks: they reorder what follows on the line.
    case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return "\\u{" + hex(v, digits: 4) + "}"
    // Line and paragraph separators, BOM / zero-width no-break space, interlinear annotations.
    case 0x2028, 0x2029, 0xFEFF, 0xFFF9...0xFFFB: return "\\u{" + hex(v, digits: 4) + "}"
    // ZWJ and ZWNJ are part of emoji sequences and of several scripts.
    case 0x200C, 0x200D: return nil
    // Tag characters are legitimate only inside emoji tag sequences (subdivision flags).
    case 0xE0020...0xE007F: return afterEmoji ? nil : "\\u{" + hex(v, digits: 4) + "}"
    default: break
    }
    switch u.properties.generalCategory {
    case .format, .control, .lineSeparator, .paragraphSeparator, .surrogate:
        return "\\u{" + hex(v, digits: 4) + "}"
    case .unassigned where (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE:
        return "\\u{" + hex(v, digits: 4) + "}" // noncharacters
    default:
        return nil
    }
}

private func hex(_ v: UInt32, digits: Int) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
}

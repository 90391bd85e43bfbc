/// A run of text in one style. Text in spans is treated as untrusted and is sanitised when drawn.
public struct Span: Sendable, Hashable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// One line of styled text.
public typealias StyledLine = [Span]

public func displayWidth(_ line: StyledLine) -> Int {
    line.reduce(0) { $0 + displayWidth(sanitize($1.text)) }
}

extension ScreenBuffer {
    /// Draws a line of spans starting at (`x`, `y`), clipped to `clip`. When the text is wider than
    /// the space left, the last visible column shows an ellipsis. `patch` overlays every span's
    /// style (used for selected rows). Returns the column after the text.
    @discardableResult
    public mutating func draw(_ line: StyledLine, x: Int, y: Int, clip: Rect, glyphs: Glyphs, patch: Style? = nil) -> Int {
        let c = clip.intersection(bounds)
        guard y >= c.minY, y < c.maxY, !c.isEmpty else { return x }
        let room = c.maxX - x
        // Only what can be seen is sanitised and measured: a hostile 1 MB name costs no more
        // than a short one (the cut is far past the clip, so the ellipsis logic still sees overflow).
        let limit = max(0, room) * 2 + 16
        var used = 0
        var texts: [String] = []
        texts.reserveCapacity(line.count)
        for span in line {
            if used > limit { texts.append(""); continue }
            var t = span.text
            if t.utf8.count > limit - used { t = String(t.prefix(limit - used + 1)) }
            let st = sanitize(t)
            used += displayWidth(st)
            texts.append(st)
        }
        let total = texts.reduce(0) { $0 + displayWidth($1) }
        let truncate = total > room && room > 0
        let inner = truncate ? Rect(x: c.minX, y: c.minY, width: max(0, c.maxX - 1 - c.minX), height: c.height) : c
        var cx = x
        var lastStyle = Style.plain
        for (i, span) in line.enumerated() {
            let st = patch.map { span.style.patched(with: $0) } ?? span.style
            lastStyle = st
            cx = drawSanitized(texts[i], x: cx, y: y, style: st, clip: inner)
            if cx >= inner.maxX { break }
        }
        if truncate {
            // Blank any column a cut wide character left, then the ellipsis at the edge.
            if cx < inner.maxX { fill(Rect(x: cx, y: y, width: inner.maxX - cx, height: 1), style: lastStyle) }
            put(glyphs.ellipsis, x: c.maxX - 1, y: y, style: lastStyle)
            return c.maxX
        }
        return cx
    }
}

/// Word-wraps a styled line to `width` columns: breaks after spaces where it can, inside a word
/// where it must; continuation lines are indented by `indent` columns. Text is sanitised first.
public func wrap(_ line: StyledLine, width: Int, indent: Int = 0) -> [StyledLine] {
    guard width > 0 else { return [line] }
    var chars: [(Character, Int, Style)] = []
    for span in line { for ch in sanitize(span.text) { chars.append((ch, max(1, displayWidth(ch)), span.style)) } }
    if chars.isEmpty { return [[]] }
    let ind = min(max(0, indent), width / 2)
    var lines: [[(Character, Int, Style)]] = []
    var current: [(Character, Int, Style)] = []
    var currentWidth = 0
    var lastSpace = -1
    var i = 0
    while i < chars.count {
        let (ch, w, _) = chars[i]
        let limit = lines.isEmpty ? width : width - ind
        if currentWidth + w > limit, !current.isEmpty {
            if ch == " " {
                lines.append(current); current = []; currentWidth = 0; lastSpace = -1
                i += 1 // the space at the break is dropped
                continue
            }
            if lastSpace >= 0 {
                let rest = Array(current[(lastSpace + 1)...])
                lines.append(Array(current[..<lastSpace]))
                current = rest
                currentWidth = rest.reduce(0) { $0 + $1.1 }
            } else {
                lines.append(current); current = []; currentWidth = 0
            }
            lastSpace = -1
            continue
        }
        if ch == " " { lastSpace = current.count }
        current.append(chars[i]); currentWidth += w
        i += 1
    }
    lines.append(current)
    return lines.enumerated().map { idx, cs in
        var out: StyledLine = []
        if idx > 0 && ind > 0 { out.append(Span(String(repeating: " ", count: ind))) }
        for (ch, _, st) in cs {
            if let last = out.last, last.style == st, !(idx > 0 && ind > 0 && out.count == 1) {
                out[out.count - 1].text.append(ch)
            } else {
                out.append(Span(String(ch), st))
            }
        }
        return out
    }
}

/// Pads or truncates plain program text to exactly `width` columns (ellipsis when cut).
public func fit(_ s: String, width: Int, glyphs: Glyphs = .unicode, alignRight: Bool = false) -> String {
    let t = sanitize(s)
    let w = displayWidth(t)
    if w <= width {
        let pad = String(repeating: " ", count: width - w)
        return alignRight ? pad + t : t + pad
    }
    guard width > 0 else { return "" }
    var out = ""
    var used = 0
    for ch in t {
        let cw = displayWidth(ch)
        if used + cw > width - 1 { break }
        out.append(ch); used += cw
    }
    out += String(repeating: " ", count: width - 1 - used)
    out.append(glyphs.ellipsis)
    return out
}

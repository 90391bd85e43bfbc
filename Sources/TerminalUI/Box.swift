extension ScreenBuffer {
    /// Draws a frame around `rect` with the given glyph set; an optional title goes in the top
    /// border (` title `, truncated to fit). The inside is left untouched.
    public mutating func drawBox(_ rect: Rect, style: Style, glyphs: Glyphs, title: StyledLine? = nil) {
        let r = rect.intersection(bounds)
        guard r.width >= 2, r.height >= 2, r == rect else {
            if !r.isEmpty { fill(r, style: style) }
            return
        }
        drawHorizontalLine(x: r.minX + 1, y: r.minY, length: r.width - 2, style: style, glyphs: glyphs)
        drawHorizontalLine(x: r.minX + 1, y: r.maxY - 1, length: r.width - 2, style: style, glyphs: glyphs)
        drawVerticalLine(x: r.minX, y: r.minY + 1, length: r.height - 2, style: style, glyphs: glyphs)
        drawVerticalLine(x: r.maxX - 1, y: r.minY + 1, length: r.height - 2, style: style, glyphs: glyphs)
        put(glyphs.topLeft, x: r.minX, y: r.minY, style: style)
        put(glyphs.topRight, x: r.maxX - 1, y: r.minY, style: style)
        put(glyphs.bottomLeft, x: r.minX, y: r.maxY - 1, style: style)
        put(glyphs.bottomRight, x: r.maxX - 1, y: r.maxY - 1, style: style)
        if let title, r.width > 4 {
            let clip = Rect(x: r.minX + 1, y: r.minY, width: r.width - 2, height: 1)
            let padded: StyledLine = [Span(" ", title.first?.style ?? style)] + title + [Span(" ", title.last?.style ?? style)]
            draw(padded, x: r.minX + 1, y: r.minY, clip: clip, glyphs: glyphs)
        }
    }

    public mutating func drawHorizontalLine(x: Int, y: Int, length: Int, style: Style, glyphs: Glyphs) {
        guard length > 0 else { return }
        for i in 0..<length { put(glyphs.horizontal, x: x + i, y: y, style: style) }
    }

    public mutating func drawVerticalLine(x: Int, y: Int, length: Int, style: Style, glyphs: Glyphs) {
        guard length > 0 else { return }
        for i in 0..<length { put(glyphs.vertical, x: x, y: y + i, style: style) }
    }
}

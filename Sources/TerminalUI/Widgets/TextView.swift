/// A scrollable pane of text lines (already wrapped, e.g. with `wrap(_:width:indent:)`).
public enum TextView {
    /// Largest useful scroll offset for `count` lines in `height` rows.
    public static func maxOffset(count: Int, height: Int) -> Int { max(0, count - max(1, height)) }

    /// Draws `lines[offset...]` into `rect`, with a scroll bar in the last column when they do not
    /// all fit. Only visible lines are touched.
    public static func render(
        into buffer: inout ScreenBuffer, rect: Rect, lines: [StyledLine], offset: Int, style: ListStyle, glyphs: Glyphs
    ) {
        render(into: &buffer, rect: rect, count: lines.count, offset: offset, style: style, glyphs: glyphs) { lines[$0] }
    }

    /// The same over a line source, for text too long to materialise.
    public static func render(
        into buffer: inout ScreenBuffer, rect: Rect, count: Int, offset: Int, style: ListStyle, glyphs: Glyphs,
        line: (Int) -> StyledLine
    ) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect, style: style.normal)
        let needsBar = count > rect.height && rect.width > 2
        let content = needsBar ? Rect(x: rect.x, y: rect.y, width: rect.width - 1, height: rect.height) : rect
        let first = max(0, min(offset, maxOffset(count: count, height: rect.height)))
        for i in 0..<rect.height where first + i < count {
            let r = content.row(i)
            buffer.draw(line(first + i), x: r.x, y: r.y, clip: r, glyphs: glyphs)
        }
        if needsBar {
            ListView.drawScrollBar(into: &buffer, x: rect.maxX - 1, y: rect.y, height: rect.height, count: count, offset: first, style: style, glyphs: glyphs)
        }
    }

    /// Wraps every line to `width` (see `wrap(_:width:indent:)`).
    public static func wrapAll(_ lines: [StyledLine], width: Int, indent: Int = 0) -> [StyledLine] {
        lines.flatMap { wrap($0, width: width, indent: indent) }
    }
}

/// A one-row bar with text on the left and on the right (title bar, status line).
public enum Bar {
    /// Fills the row with `style`, draws `right` right-aligned if there is room next to `left`,
    /// and truncates `left` with an ellipsis otherwise.
    public static func render(into buffer: inout ScreenBuffer, rect: Rect, left: StyledLine, right: StyledLine = [], style: Style, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let row = rect.row(0)
        buffer.fill(row, style: style)
        let rightWidth = displayWidth(right)
        let leftWidth = displayWidth(left)
        var leftClip = row
        if rightWidth > 0, leftWidth + 1 + rightWidth <= row.width || rightWidth < row.width / 2 {
            let rx = row.maxX - rightWidth
            buffer.draw(right.map { Span($0.text, style.patched(with: $0.style)) }, x: max(row.x, rx), y: row.y, clip: row, glyphs: glyphs)
            leftClip = Rect(x: row.x, y: row.y, width: max(0, rx - 1 - row.x), height: 1)
        }
        buffer.draw(left.map { Span($0.text, style.patched(with: $0.style)) }, x: row.x, y: row.y, clip: leftClip, glyphs: glyphs)
    }
}

/// One entry of a key-hints line: the key as shown and what it does.
public struct KeyHint: Sendable, Hashable {
    public var key: String
    public var label: String
    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

public enum KeyHintsView {
    /// Draws hints as `key label  key label ...` from `x`, keeping only whole hints that fit
    /// before `maxX`. Returns the column after the last hint drawn.
    @discardableResult
    public static func render(into buffer: inout ScreenBuffer, x: Int, y: Int, maxX: Int, hints: [KeyHint], keyStyle: Style, labelStyle: Style, glyphs: Glyphs) -> Int {
        var cx = x
        for (i, h) in hints.enumerated() {
            let sep = i == 0 ? 0 : 2
            let w = displayWidth(sanitize(h.key)) + 1 + displayWidth(sanitize(h.label))
            if cx + sep + w > maxX { break }
            if sep > 0 { cx = buffer.drawSanitized("  ", x: cx, y: y, style: labelStyle) }
            cx = buffer.draw(h.key, x: cx, y: y, style: keyStyle)
            cx = buffer.drawSanitized(" ", x: cx, y: y, style: labelStyle)
            cx = buffer.draw(h.label, x: cx, y: y, style: labelStyle)
        }
        return cx
    }
}

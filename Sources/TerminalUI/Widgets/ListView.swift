/// Selection and scroll position of a list. Only the visible window of rows is ever formatted,
/// so the cost of a frame does not depend on how many rows the list has.
public struct ListViewState: Sendable, Hashable {
    /// Index of the selected row (0 when the list is empty).
    public var selected: Int
    /// Index of the first visible row.
    public var offset: Int

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Selects row `index` (clamped) and scrolls as little as possible to show it.
    public mutating func select(_ index: Int, count: Int, height: Int) {
        selected = count == 0 ? 0 : max(0, min(index, count - 1))
        reveal(count: count, height: height)
    }

    public mutating func move(by delta: Int, count: Int, height: Int) {
        select(selected + delta, count: count, height: height)
    }

    /// Scrolls the view by `delta` rows (mouse wheel), dragging the selection along when it
    /// would leave the view.
    public mutating func scroll(by delta: Int, count: Int, height: Int) {
        let h = max(1, height)
        offset = max(0, min(offset + delta, max(0, count - h)))
        if selected < offset { selected = min(offset, max(0, count - 1)) }
        if selected >= offset + h { selected = max(0, min(offset + h - 1, count - 1)) }
    }

    /// Adjusts `offset` so the selection is visible and no space is wasted past the end.
    public mutating func reveal(count: Int, height: Int) {
        let h = max(1, height)
        if count == 0 { selected = 0; offset = 0; return }
        selected = max(0, min(selected, count - 1))
        if selected < offset { offset = selected }
        if selected >= offset + h { offset = selected - h + 1 }
        offset = max(0, min(offset, max(0, count - h)))
    }
}

/// Styles a list is drawn with.
public struct ListStyle: Sendable, Hashable {
    public var normal: Style
    /// Overlaid on the selected row's spans (colours that are not `.default` replace theirs).
    public var selected: Style
    public var scrollTrack: Style
    public var scrollThumb: Style

    public init(normal: Style = .plain, selected: Style = Style(attributes: .reverse), scrollTrack: Style = .plain, scrollThumb: Style = .plain) {
        self.normal = normal
        self.selected = selected
        self.scrollTrack = scrollTrack
        self.scrollThumb = scrollThumb
    }
}

/// A virtualised list: the data source formats one row at a time, and only rows in view are asked for.
public enum ListView {
    /// Renders rows `state.offset ..< state.offset + rect.height` into `rect`. A scroll bar takes
    /// the last column when the rows do not all fit. `row(i)` is called only for visible rows.
    public static func render(
        into buffer: inout ScreenBuffer, rect: Rect, count: Int, state: ListViewState, style: ListStyle,
        glyphs: Glyphs, showSelection: Bool = true, row: (Int) -> StyledLine
    ) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect, style: style.normal)
        let needsBar = count > rect.height && rect.width > 2
        let content = needsBar ? Rect(x: rect.x, y: rect.y, width: rect.width - 1, height: rect.height) : rect
        let first = max(0, min(state.offset, max(0, count - 1)))
        for i in 0..<rect.height {
            let index = first + i
            if index >= count { break }
            let line = content.row(i)
            let isSelected = showSelection && index == state.selected
            if isSelected { buffer.fill(line, style: style.normal.patched(with: style.selected)) }
            buffer.draw(row(index), x: line.x, y: line.y, clip: line, glyphs: glyphs, patch: isSelected ? style.selected : nil)
        }
        if needsBar {
            drawScrollBar(into: &buffer, x: rect.maxX - 1, y: rect.y, height: rect.height, count: count, offset: first, style: style, glyphs: glyphs)
        }
    }

    /// A vertical scroll bar for `count` rows of which `height` are visible from `offset`.
    public static func drawScrollBar(into buffer: inout ScreenBuffer, x: Int, y: Int, height: Int, count: Int, offset: Int, style: ListStyle, glyphs: Glyphs) {
        guard height > 0, count > height else { return }
        let thumb = max(1, height * height / count)
        let span = max(1, count - height)
        let pos = min(height - thumb, (offset * (height - thumb) + span / 2) / span)
        for i in 0..<height {
            let inThumb = i >= pos && i < pos + thumb
            buffer.put(inThumb ? glyphs.scrollThumb : glyphs.scrollTrack, x: x, y: y + i, style: inThumb ? style.scrollThumb : style.scrollTrack)
        }
    }
}

/// A row of a tree drawn in a list: indentation, an expand/collapse marker and the row's spans.
public struct TreeRow: Sendable, Hashable {
    public enum Marker: Sendable, Hashable { case leaf, collapsed, expanded }
    public var depth: Int
    public var marker: Marker
    public var spans: StyledLine

    public init(depth: Int, marker: Marker, spans: StyledLine) {
        self.depth = depth
        self.marker = marker
        self.spans = spans
    }

    /// The row as spans: two columns per depth level, then the marker and a space.
    public func line(glyphs: Glyphs, markerStyle: Style = .plain) -> StyledLine {
        let m: String
        switch marker {
        case .leaf: m = " "
        case .collapsed: m = String(glyphs.collapsed)
        case .expanded: m = String(glyphs.expanded)
        }
        return [Span(String(repeating: " ", count: 2 * max(0, depth)) + m + " ", markerStyle)] + spans
    }
}

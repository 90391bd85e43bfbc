/// One terminal cell: a grapheme cluster and its style. A wide (2-column) character occupies its
/// cell (`width == 2`) and the next one, which is a continuation cell (`width == 0`).
public struct Cell: Sendable, Hashable {
    public var character: Character
    /// 1 for a normal cell, 2 for the first half of a wide character, 0 for its second half.
    public var width: UInt8
    public var style: Style

    public init(_ character: Character = " ", width: UInt8 = 1, style: Style = .plain) {
        self.character = character
        self.width = width
        self.style = style
    }

    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", width: 1, style: style) }
    public var isContinuation: Bool { width == 0 }
}

/// A cell position.
public struct Position: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A changed cell, as produced by `ScreenBuffer.diff(from:)`.
public struct CellChange: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var cell: Cell
}

/// An off-screen grid of cells. Every pane draws into one; a backend shows it by writing the
/// cells that differ from the previous frame. All text drawing clips to a rectangle, never
/// splits a wide character and passes model text through `sanitize`.
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (nil: hidden).
    public var cursor: Position?

    public init(width: Int, height: Int, style: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x x: Int, y y: Int) -> Cell {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "cell (\(x),\(y)) outside \(width)x\(height)")
        return cells[y * width + x]
    }

    /// Resets every cell to a blank of `style`.
    public mutating func clear(style: Style = .plain) {
        for i in cells.indices { cells[i] = .blank(style) }
        cursor = nil
    }

    /// Fills `rect` (clipped to the buffer) with `character` in `style`.
    public mutating func fill(_ rect: Rect, style: Style, character: Character = " ") {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let ch = printable(character)
        let w = displayWidth(ch)
        if w != 1 {
            for y in r.minY..<r.maxY { for x in r.minX..<r.maxX { set(x, y, " ", 1, style) } }
            return
        }
        for y in r.minY..<r.maxY {
            // Edges may cut a wide character in half: blank its other half first.
            set(r.minX, y, ch, 1, style)
            if r.width > 1 { set(r.maxX - 1, y, ch, 1, style) }
            if r.width > 2 {
                let row = y * width
                for x in (r.minX + 1)..<(r.maxX - 1) { cells[row + x] = Cell(ch, width: 1, style: style) }
            }
        }
    }

    /// Changes the style of every cell in `rect` without changing its text (`patch` overlays).
    public mutating func restyle(_ rect: Rect, patch: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.minY..<r.maxY {
            for x in r.minX..<r.maxX { cells[y * width + x].style = cells[y * width + x].style.patched(with: patch) }
        }
    }

    /// Draws untrusted text (it is sanitised first) at (`x`, `y`), clipped to `clip` (default:
    /// the whole buffer). Returns the column after the last character drawn.
    @discardableResult
    public mutating func draw(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        drawSanitized(sanitize(text), x: x, y: y, style: style, clip: clip)
    }

    /// Draws text that is already sanitised (or made by the program itself). Control characters
    /// that slip through still never reach a cell: they are shown as `?`.
    @discardableResult
    public mutating func drawSanitized(_ text: String, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
        let c = (clip ?? bounds).intersection(bounds)
        guard y >= c.minY, y < c.maxY, c.width > 0 else { return x + displayWidth(text) }
        var cx = x
        for raw in text {
            if cx >= c.maxX { break }
            var ch = raw
            var w = displayWidth(ch)
            if w == 0 {
                if ch.unicodeScalars.first.map({ $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) ?? true {
                    ch = "?"
                } else {
                    ch = Character("\u{25CC}" + String(ch)) // a stray combining mark, shown on a dotted circle
                }
                w = 1
            }
            if cx + w <= c.minX { cx += w; continue }
            if cx < c.minX {
                // A wide character cut by the left edge: show the visible half as a blank.
                set(c.minX, y, " ", 1, style)
                cx += w
                continue
            }
            if cx + w > c.maxX {
                // A wide character that does not fit at the right edge: never split it.
                set(cx, y, " ", 1, style)
                cx = c.maxX
                break
            }
            set(cx, y, ch, UInt8(w), style)
            cx += w
        }
        return cx
    }

    /// Puts one program-chosen grapheme (a box-drawing glyph, a marker) at a cell.
    public mutating func put(_ character: Character, x: Int, y: Int, style: Style, clip: Rect? = nil) {
        let c = (clip ?? bounds).intersection(bounds)
        let ch = printable(character)
        let w = max(1, displayWidth(ch))
        guard y >= c.minY, y < c.maxY, x >= c.minX, x + w <= c.maxX else { return }
        set(x, y, ch, UInt8(w), style)
    }

    private func printable(_ ch: Character) -> Character {
        guard let s = ch.unicodeScalars.first else { return " " }
        return s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) ? "?" : ch
    }

    /// Low-level cell write that keeps wide characters whole: overwriting either half of a wide
    /// character blanks the other half.
    private mutating func set(_ x: Int, _ y: Int, _ ch: Character, _ w: UInt8, _ style: Style) {
        let i = y * width + x
        let old = cells[i]
        if old.width == 0, x > 0 { cells[i - 1] = .blank(cells[i - 1].style) }
        if old.width == 2, x + 1 < width, w != 2 { cells[i + 1] = .blank(cells[i + 1].style) }
        cells[i] = Cell(ch, width: w, style: style)
        if w == 2, x + 1 < width {
            if cells[i + 1].width == 2, x + 2 < width { cells[i + 2] = .blank(cells[i + 2].style) }
            cells[i + 1] = Cell(" ", width: 0, style: style)
        }
    }

    /// The cells that differ from `old` (every cell when the sizes differ), in row-major order.
    public func diff(from old: ScreenBuffer) -> [CellChange] {
        var changes: [CellChange] = []
        if old.width != width || old.height != height {
            changes.reserveCapacity(cells.count)
            for (i, c) in cells.enumerated() { changes.append(CellChange(x: i % max(1, width), y: i / max(1, width), cell: c)) }
            return changes
        }
        for i in cells.indices where cells[i] != old.cells[i] {
            changes.append(CellChange(x: i % width, y: i / width, cell: cells[i]))
        }
        return changes
    }

    /// The text of each row (continuation cells skipped, so wide characters appear once).
    public var lines: [String] {
        (0..<height).map { line($0) }
    }

    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where cells[y * width + x].width != 0 { s.append(cells[y * width + x].character) }
        return s
    }

    /// The whole screen as text, one line per row, trailing blanks trimmed.
    public var text: String {
        lines.map { trimRight($0) }.joined(separator: "\n")
    }

    /// A grid of one letter per cell naming its style ('.' for the plain style), with a legend:
    /// `(lines, legend)` where legend[i] pairs a letter with the style it stands for. With a
    /// `names` function, the legend shows names (e.g. theme roles) instead of raw styles.
    public func styleMap() -> (lines: [String], legend: [(Character, Style)]) {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var assigned: [Style: Character] = [.plain: "."]
        var legend: [(Character, Style)] = []
        var rows: [String] = []
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let st = cells[y * width + x].style
                if let l = assigned[st] { row.append(l); continue }
                let l: Character = legend.count < letters.count ? letters[legend.count] : "#"
                assigned[st] = l
                legend.append((l, st))
                row.append(l)
            }
            rows.append(row)
        }
        return (rows, legend)
    }

    /// A stable text dump for snapshot tests: the screen text, then the style map and its legend.
    public func snapshot(styleNames: [Style: String] = [:]) -> String {
        var out = "size \(width)x\(height)\n"
        for l in lines { out += "|" + l + "|\n" }
        let map = styleMap()
        out += "styles\n"
        for l in map.lines { out += "|" + l + "|\n" }
        for (letter, st) in map.legend {
            out += "\(letter) = \(st)" + (styleNames[st].map { "  (\($0))" } ?? "") + "\n"
        }
        return out
    }
}

func trimRight(_ s: String) -> String {
    var s = s
    while s.last == " " { s.removeLast() }
    return s
}

/// The characters used for lines, markers and bars, in a Unicode set and an ASCII fallback
/// (chosen when the terminal's locale is not UTF-8).
public struct Glyphs: Sendable, Hashable {
    public var unicode: Bool
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var teeLeft: Character   // ├
    public var teeRight: Character  // ┤
    public var teeDown: Character   // ┬
    public var teeUp: Character     // ┴
    public var ellipsis: Character
    public var expanded: Character
    public var collapsed: Character
    public var arrow: String
    public var backArrow: String
    /// Vertical bar levels from empty to full (9 entries).
    public var bars: [Character]
    /// Horizontal partial-cell fills for progress bars, from 0/8 to 7/8 (8 entries).
    public var partials: [Character]
    public var full: Character
    /// Shades from light to dark for monochrome heat maps (5 entries).
    public var shades: [Character]
    public var scrollTrack: Character
    public var scrollThumb: Character
    public var bullet: Character
    /// A light separator between items on a line (`·`).
    public var dot: Character

    public static let unicode = Glyphs(
        unicode: true, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", teeDown: "┬", teeUp: "┴", ellipsis: "…", expanded: "▾", collapsed: "▸",
        arrow: "→", backArrow: "←",
        bars: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        partials: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"], full: "█",
        shades: [" ", "░", "▒", "▓", "█"], scrollTrack: "│", scrollThumb: "┃", bullet: "•", dot: "·")

    public static let ascii = Glyphs(
        unicode: false, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeDown: "+", teeUp: "+", ellipsis: "~", expanded: "-", collapsed: "+",
        arrow: "->", backArrow: "<-",
        bars: [" ", ".", ".", "_", "o", "o", "O", "#", "#"],
        partials: [" ", " ", " ", " ", "#", "#", "#", "#"], full: "#",
        shades: [" ", ".", ":", "*", "#"], scrollTrack: "|", scrollThumb: "#", bullet: "*", dot: "-")

    public static func forUnicode(_ unicode: Bool) -> Glyphs { unicode ? .unicode : .ascii }
}

/// An ASCII stand-in for a character a non-UTF-8 terminal cannot show: line drawing, arrows,
/// blocks and ellipses get look-alikes, everything else `?`. Backends apply it as a last resort;
/// panes should draw with `Glyphs.ascii` in the first place.
public func asciiFallback(_ c: Character) -> Character {
    if c.isASCII { return c }
    guard let u = c.unicodeScalars.first else { return "?" }
    switch u.value {
    case 0x2500, 0x2501, 0x2550, 0x2504, 0x2505, 0x2508, 0x2509: return "-"
    case 0x2502, 0x2503, 0x2551, 0x2506, 0x2507, 0x250A, 0x250B: return "|"
    case 0x250C...0x254B, 0x2552...0x256C: return "+"
    case 0x2190: return "<"
    case 0x2192: return ">"
    case 0x2191: return "^"
    case 0x2193: return "v"
    case 0x2026: return "~"
    case 0x00B7, 0x2022: return "*"
    case 0x25B8, 0x25B6, 0x25BA: return "+"
    case 0x25BE, 0x25BC: return "-"
    case 0x2581...0x2583: return "."
    case 0x2584...0x2586: return "o"
    case 0x2587, 0x2588, 0x2589...0x258F: return "#"
    case 0x2591: return "."
    case 0x2592: return ":"
    case 0x2593: return "*"
    default: return "?"
    }
}

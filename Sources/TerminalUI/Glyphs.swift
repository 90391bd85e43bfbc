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

    public static let unicode = Glyphs(
        unicode: true, horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeLeft: "├", teeRight: "┤", teeDown: "┬", teeUp: "┴", ellipsis: "…", expanded: "▾", collapsed: "▸",
        arrow: "→", backArrow: "←",
        bars: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        partials: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"], full: "█",
        shades: [" ", "░", "▒", "▓", "█"], scrollTrack: "│", scrollThumb: "┃", bullet: "•")

    public static let ascii = Glyphs(
        unicode: false, horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeLeft: "+", teeRight: "+", teeDown: "+", teeUp: "+", ellipsis: "~", expanded: "-", collapsed: "+",
        arrow: "->", backArrow: "<-",
        bars: [" ", ".", ".", "_", "o", "o", "O", "#", "#"],
        partials: [" ", " ", " ", " ", "#", "#", "#", "#"], full: "#",
        shades: [" ", ".", ":", "*", "#"], scrollTrack: "|", scrollThumb: "#", bullet: "*")

    public static func forUnicode(_ unicode: Bool) -> Glyphs { unicode ? .unicode : .ascii }
}

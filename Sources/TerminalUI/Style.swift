/// A terminal colour. `ansi` is one of the 16 basic colours (0-7 normal, 8-15 bright), `indexed`
/// one of the xterm 256 colours, `rgb` a 24-bit colour. Backends downgrade to what the terminal has.
public enum Color: Sendable, Hashable, CustomStringConvertible {
    case `default`
    case ansi(UInt8)
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    public var description: String {
        switch self {
        case .default: return "default"
        case let .ansi(n): return "ansi(\(n))"
        case let .indexed(n): return "\(n)"
        case let .rgb(r, g, b): return "#" + hex2(r) + hex2(g) + hex2(b)
        }
    }
}

private func hex2(_ v: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
}

/// Text attributes.
public struct Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1 << 0)
    public static let dim = Attributes(rawValue: 1 << 1)
    public static let italic = Attributes(rawValue: 1 << 2)
    public static let underline = Attributes(rawValue: 1 << 3)
    public static let reverse = Attributes(rawValue: 1 << 4)

    /// Names as written in theme files, in a fixed order.
    public static let named: [(String, Attributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline), ("reverse", .reverse),
    ]

    public var names: [String] { Attributes.named.filter { contains($0.1) }.map(\.0) }
}

/// How a cell is drawn: foreground, background and attributes.
public struct Style: Sendable, Hashable, CustomStringConvertible {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .default, background: Color = .default, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public init(fg: Color, bg: Color = .default, _ attributes: Attributes = []) {
        self.init(foreground: fg, background: bg, attributes: attributes)
    }

    public static let plain = Style()

    /// `overlay` drawn on top of this style: its non-default colours replace ours, attributes are merged.
    public func patched(with overlay: Style) -> Style {
        Style(
            foreground: overlay.foreground == .default ? foreground : overlay.foreground,
            background: overlay.background == .default ? background : overlay.background,
            attributes: attributes.union(overlay.attributes))
    }

    public func with(attributes extra: Attributes) -> Style {
        var s = self
        s.attributes.formUnion(extra)
        return s
    }

    /// This style with every colour reduced to what a terminal of `depth` can show.
    public func downgraded(to depth: ColorDepth) -> Style {
        Style(foreground: foreground.downgraded(to: depth), background: background.downgraded(to: depth), attributes: attributes)
    }

    /// Theme-file notation, e.g. `fg:#ffffff bg:4 bold`.
    public var description: String {
        var parts: [String] = []
        if foreground != .default { parts.append("fg:\(foreground)") }
        if background != .default { parts.append("bg:\(background)") }
        parts += attributes.names
        return parts.isEmpty ? "plain" : parts.joined(separator: " ")
    }
}

/// How many colours a terminal can show.
public enum ColorDepth: Int, Sendable, Comparable, CaseIterable {
    /// No colour at all (monochrome terminal or `NO_COLOR`): attributes only.
    case none = 0
    case ansi8 = 8
    case ansi16 = 16
    case indexed256 = 256
    case truecolor = 16_777_216

    /// The depth for a terminal reporting `colors` colours (curses `COLORS`).
    public init(colorCount colors: Int) {
        if colors >= 16_777_216 { self = .truecolor }
        else if colors >= 256 { self = .indexed256 }
        else if colors >= 16 { self = .ansi16 }
        else if colors >= 8 { self = .ansi8 }
        else { self = .none }
    }

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }
}

extension Color {
    /// The standard xterm RGB values of the 16 basic colours.
    static let basic16: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// RGB value of an xterm 256-colour index.
    public static func rgbOfIndex(_ n: UInt8) -> (UInt8, UInt8, UInt8) {
        let i = Int(n)
        if i < 16 { return basic16[i] }
        if i >= 232 {
            let v = UInt8(8 + (i - 232) * 10)
            return (v, v, v)
        }
        let c = i - 16
        return (UInt8(cubeLevels[c / 36]), UInt8(cubeLevels[(c / 6) % 6]), UInt8(cubeLevels[c % 6]))
    }

    /// The RGB value this colour is shown as on a standard xterm palette (nil for `.default`).
    public var rgbValue: (UInt8, UInt8, UInt8)? {
        switch self {
        case .default: return nil
        case let .ansi(n): return Color.basic16[Int(n & 15)]
        case let .indexed(n): return Color.rgbOfIndex(n)
        case let .rgb(r, g, b): return (r, g, b)
        }
    }

    /// Nearest xterm 256-colour index (6x6x6 cube or grey ramp) to an RGB value; never 0-15,
    /// whose real colours vary with the user's terminal palette.
    public static func nearestIndex256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func level(_ v: UInt8) -> Int {
            let v = Int(v)
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - v) < abs(cubeLevels[best] - v) { best = i }
            return best
        }
        let (lr, lg, lb) = (level(r), level(g), level(b))
        let cubeIndex = 16 + 36 * lr + 6 * lg + lb
        let cube = (cubeLevels[lr], cubeLevels[lg], cubeLevels[lb])
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = max(0, min(23, (avg - 8 + 5) / 10))
        let greyValue = 8 + greyStep * 10
        let grey = (greyValue, greyValue, greyValue)
        let target = (Int(r), Int(g), Int(b))
        return distance(cube, target) <= distance(grey, target) ? UInt8(cubeIndex) : UInt8(232 + greyStep)
    }

    /// Nearest of the first `count` (8 or 16) basic colours to an RGB value.
    public static func nearestBasic(_ r: UInt8, _ g: UInt8, _ b: UInt8, count: Int) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        var best = 0, bestDistance = Int.max
        for i in 0..<min(count, 16) {
            let c = basic16[i]
            let d = distance((Int(c.0), Int(c.1), Int(c.2)), target)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return UInt8(best)
    }

    /// Weighted (approximately perceptual) squared distance.
    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }

    /// This colour reduced to what a terminal of `depth` shows: rgb -> nearest 256-colour index ->
    /// nearest of 16 or 8 basic colours; `.none` drops colour altogether.
    public func downgraded(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _): return .default
        case (_, .none): return .default
        case (_, .truecolor): return self
        case (.ansi(let n), .ansi8): return .ansi(n & 7)
        case (.ansi, _): return self
        case (.indexed(let n), .indexed256): return .indexed(n)
        case (.rgb(let r, let g, let b), .indexed256): return .indexed(Color.nearestIndex256(r, g, b))
        case (.indexed(let n), .ansi16): return .ansi(n < 16 ? n : Color.nearestBasicOfIndex(n, count: 16))
        case (.indexed(let n), .ansi8): return .ansi(n < 16 ? n & 7 : Color.nearestBasicOfIndex(n, count: 8))
        case (.rgb, .ansi16), (.rgb, .ansi8):
            // Through the 256-colour palette first, so results agree with what a 256-colour terminal shows.
            let idx = downgraded(to: .indexed256)
            return idx.downgraded(to: depth)
        }
    }

    private static func nearestBasicOfIndex(_ n: UInt8, count: Int) -> UInt8 {
        let (r, g, b) = rgbOfIndex(n)
        return nearestBasic(r, g, b, count: count)
    }
}

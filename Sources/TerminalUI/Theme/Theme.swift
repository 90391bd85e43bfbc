/// A problem in a theme file, with where it is.
public struct ThemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line number (0 when the problem is not tied to a line, e.g. the file is unreadable).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// A colour as written in a theme: a literal or a reference to a palette entry.
enum ColorRef: Sendable, Hashable {
    case literal(Color)
    case palette(String)
}

/// A role's value before palette references are resolved.
struct RoleSpec: Sendable, Hashable {
    var foreground: ColorRef?
    var background: ColorRef?
    var attributes: Attributes = []
}

/// A colour theme: a palette of named colours and a style for each semantic role (`title`,
/// `tree.op`, `tree.selected.unfocused`, `gradient.3`, ...). The compiled-in `dark` theme is the
/// schema: it defines every role; other themes override some of them.
public struct Theme: Sendable {
    public private(set) var name: String
    public private(set) var description: String
    /// False for themes that set `colors = none` (monochrome): every colour is dropped.
    public private(set) var colorsEnabled: Bool
    var palette: [String: Color]
    var roleSpecs: [String: RoleSpec]
    /// Role styles with palette references resolved (not composited over `normal`).
    public private(set) var rawStyles: [String: Style] = [:]
    /// Role styles drawn over the `normal` style (so roles without a background use the pane's).
    public private(set) var styles: [String: Style] = [:]
    /// Heat-map steps from low to high.
    public private(set) var gradient: [Style] = []

    /// Every role name the program knows, sorted.
    public var roleNames: [String] { roleSpecs.keys.sorted() }

    /// The style for `role`, composited over `normal`. Unknown roles fall back to their parent
    /// (`tree.selected.unfocused` -> `tree.selected` -> `tree`) and finally to `normal`.
    public func style(_ role: String) -> Style {
        if let s = styles[role] { return s }
        var r = Substring(role)
        while let dot = r.lastIndex(of: ".") {
            r = r[..<dot]
            if let s = styles[String(r)] { return s }
        }
        return styles["normal"] ?? .plain
    }

    /// The role's own style, not composited: for overlays such as the selected row or a search
    /// match, whose default colours must let the underlying span's colours through.
    public func overlay(_ role: String) -> Style {
        if let s = rawStyles[role] { return s }
        var r = Substring(role)
        while let dot = r.lastIndex(of: ".") {
            r = r[..<dot]
            if let s = rawStyles[String(r)] { return s }
        }
        return .plain
    }

    /// Named palette colours.
    public func paletteColor(_ name: String) -> Color? { palette[name] }

    /// For snapshot legends: style -> role names using it.
    public func roleNamesByStyle() -> [Style: String] {
        var out: [Style: String] = [:]
        for name in styles.keys.sorted() {
            let s = styles[name]!
            out[s] = out[s].map { $0 + "," + name } ?? name
        }
        return out
    }

    // MARK: building

    /// The compiled-in default theme (`themes/dark.theme`).
    public static let `default`: Theme = {
        do {
            return try Theme.parse(BuiltinThemes.text["dark"] ?? "", file: "<builtin dark.theme>", base: nil)
        } catch {
            // Unreachable while the tests pass (they parse every built-in theme).
            return Theme(name: "dark", description: "", colorsEnabled: true, palette: [:], roleSpecs: ["normal": RoleSpec()])
        }
    }()

    init(name: String, description: String, colorsEnabled: Bool, palette: [String: Color], roleSpecs: [String: RoleSpec]) {
        self.name = name
        self.description = description
        self.colorsEnabled = colorsEnabled
        self.palette = palette
        self.roleSpecs = roleSpecs
        resolve()
    }

    /// Parses theme text on top of `base` (the default theme when nil is passed for a non-schema
    /// theme; `nil` base means the text is the schema itself).
    public static func parse(_ text: String, file: String, over base: Theme = .default) throws(ThemeError) -> Theme {
        try parse(text, file: file, base: base)
    }

    static func parse(_ text: String, file: String, base: Theme?) throws(ThemeError) -> Theme {
        var name = base == nil ? "dark" : ""
        var description = ""
        var colorsEnabled = true
        var palette = base?.palette ?? [:]
        var roles = base?.roleSpecs ?? [:]
        var section = ""
        var pendingRoles: [(String, RoleSpec, Int)] = []
        var sawGradient = false

        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = stripComment(String(rawLine)).trimmingBlanks()
            if line.isEmpty { continue }
            func fail(_ msg: String) -> ThemeError { ThemeError(file: file, line: lineNo, message: msg) }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw fail("unterminated section header '\(sanitize(line))'") }
                let s = String(line.dropFirst().dropLast()).trimmingBlanks()
                guard s == "palette" || s == "roles" else {
                    throw fail("unknown section [\(sanitize(s))] (expected [palette] or [roles])")
                }
                section = s
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw fail("expected 'key = value', got '\(sanitize(line))'") }
            let key = String(line[..<eq]).trimmingBlanks()
            let value = String(line[line.index(after: eq)...]).trimmingBlanks()
            guard !key.isEmpty else { throw fail("missing key before '='") }
            guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                throw fail("bad key '\(sanitize(key))' (letters, digits, '-', '_' and '.' only)")
            }
            switch section {
            case "":
                switch key {
                case "name": name = value
                case "description": description = value
                case "colors", "colours":
                    switch value {
                    case "none": colorsEnabled = false
                    case "auto", "": colorsEnabled = true
                    default: throw fail("colors must be 'none' or 'auto', got '\(sanitize(value))'")
                    }
                default: throw fail("unknown setting '\(sanitize(key))' (expected name, description or colors; roles go under [roles])")
                }
            case "palette":
                guard let c = parseLiteralColor(value) else {
                    throw fail("bad colour '\(sanitize(value))' for palette entry '\(key)' (expected #rrggbb, #rgb, 0-255, a basic colour name or default)")
                }
                palette[key] = c
            default: // roles
                if isGradientRole(key) {
                    if !sawGradient { sawGradient = true; roles = roles.filter { !isGradientRole($0.key) } }
                } else if base != nil, roles[key] == nil {
                    throw fail("unknown role '\(sanitize(key))'" + suggestion(for: key, among: Array(roles.keys)))
                }
                do {
                    let spec = try parseRole(value)
                    pendingRoles.append((key, spec, lineNo))
                    roles[key] = spec
                } catch let e {
                    throw fail(e.message)
                }
            }
        }
        // Check palette references once the whole palette is known.
        for (key, spec, line) in pendingRoles {
            for ref in [spec.foreground, spec.background] {
                if case let .palette(p)? = ref, palette[p] == nil, parseLiteralColor(p) == nil {
                    throw ThemeError(file: file, line: line, message: "role '\(key)' uses unknown colour '\(sanitize(p))'" + suggestion(for: p, among: Array(palette.keys)))
                }
            }
        }
        if roles["normal"] == nil { roles["normal"] = RoleSpec() }
        return Theme(name: name.isEmpty ? "custom" : name, description: description, colorsEnabled: colorsEnabled, palette: palette, roleSpecs: roles)
    }

    mutating func rename(_ n: String) { name = n }

    private mutating func resolve() {
        func color(_ r: ColorRef?) -> Color {
            guard colorsEnabled, let r else { return .default }
            switch r {
            case let .literal(c): return c
            case let .palette(p): return palette[p] ?? parseLiteralColor(p) ?? .default
            }
        }
        var raw: [String: Style] = [:]
        for (k, spec) in roleSpecs {
            raw[k] = Style(foreground: color(spec.foreground), background: color(spec.background), attributes: spec.attributes)
        }
        let normal = raw["normal"] ?? .plain
        rawStyles = raw
        styles = raw.mapValues { normal.patched(with: $0) }
        styles["normal"] = normal
        var g: [Style] = []
        var i = 0
        while let s = styles["gradient.\(i)"] { g.append(s); i += 1 }
        gradient = g
    }
}

struct RoleParseError: Error { var message: String }

func isGradientRole(_ key: String) -> Bool {
    guard key.hasPrefix("gradient.") else { return false }
    guard let n = Int(key.dropFirst("gradient.".count)) else { return false }
    return n >= 0 && n < 64
}

func parseRole(_ value: String) throws(RoleParseError) -> RoleSpec {
    var spec = RoleSpec()
    for tok in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
        let t = String(tok)
        if t == "plain" { continue }
        if t.hasPrefix("fg:") || t.hasPrefix("bg:") {
            let v = String(t.dropFirst(3))
            guard !v.isEmpty else { throw RoleParseError(message: "missing colour after '\(t)'") }
            let ref: ColorRef
            if v.first == "#" || v.first?.isNumber == true {
                guard let c = parseLiteralColor(v) else {
                    throw RoleParseError(message: "bad colour '\(sanitize(v))' (expected #rrggbb, #rgb, 0-255, a basic colour name, a palette name or default)")
                }
                ref = .literal(c)
            } else {
                // A name: the palette's entry if it has one (resolved later), else a basic colour name.
                ref = .palette(v)
            }
            if t.hasPrefix("fg:") { spec.foreground = ref } else { spec.background = ref }
            continue
        }
        guard let a = Attributes.named.first(where: { $0.0 == t }) else {
            throw RoleParseError(message: "unknown attribute '\(sanitize(t))' (expected fg:COLOUR, bg:COLOUR, plain, bold, dim, italic, underline or reverse)")
        }
        spec.attributes.insert(a.1)
    }
    return spec
}

let basicColorNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

/// `#rrggbb`, `#rgb`, `0`-`255`, a basic colour name (`red`, `bright-red`) or `default`.
func parseLiteralColor(_ v: String) -> Color? {
    if v == "default" { return .default }
    if let i = basicColorNames.firstIndex(of: v) { return .ansi(UInt8(i)) }
    if v.hasPrefix("bright-"), let i = basicColorNames.firstIndex(of: String(v.dropFirst(7))) { return .ansi(UInt8(8 + i)) }
    if let n = Int(v), v.allSatisfy(\.isNumber) { return (0...255).contains(n) ? .indexed(UInt8(n)) : nil }
    if v.first == "#" {
        let hex = Array(v.dropFirst())
        guard hex.allSatisfy(\.isHexDigit) else { return nil }
        func h(_ s: ArraySlice<Character>) -> UInt8? { UInt8(String(s), radix: 16) }
        if hex.count == 6, let r = h(hex[0..<2]), let g = h(hex[2..<4]), let b = h(hex[4..<6]) { return .rgb(r, g, b) }
        if hex.count == 3, let r = h(hex[0..<1]), let g = h(hex[1..<2]), let b = h(hex[2..<3]) { return .rgb(r * 17, g * 17, b * 17) }
    }
    return nil
}

/// Removes a comment: `#` at the start of the line, or after a blank when followed by a blank
/// or the end of the line (so `#rrggbb` stays).
func stripComment(_ line: String) -> String {
    let chars = Array(line)
    var i = 0
    while i < chars.count {
        if chars[i] == "#" {
            let atStart = chars[..<i].allSatisfy { $0 == " " || $0 == "\t" }
            let afterBlank = i > 0 && (chars[i - 1] == " " || chars[i - 1] == "\t")
            let beforeBlank = i + 1 >= chars.count || chars[i + 1] == " " || chars[i + 1] == "\t"
            if atStart || (afterBlank && beforeBlank) { return String(chars[..<i]) }
        }
        i += 1
    }
    return line
}

/// " (did you mean 'x'?)" for a close match by edit distance.
func suggestion(for word: String, among candidates: [String]) -> String {
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word, c)
        if d <= max(2, word.count / 4), best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
    }
    return best.map { " (did you mean '\($0.0)'?)" } ?? ""
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

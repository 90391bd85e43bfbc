import CNCurses
import TerminalUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal could not be set up.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The curses backend: shows `ScreenBuffer`s by writing only the cells that changed, reads keys
/// and mouse events, and always gives the terminal back (on `restore()`, deinit, `exit`, and
/// fatal signals, which are then re-raised with their default action).
public final class CursesTerminal: TerminalBackend {
    public private(set) var capabilities: TerminalCapabilities
    private var last: ScreenBuffer?
    private var pairs: [Int32: Int16] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var styleCache: [Style: (attr_t, Int16)] = [:]
    private var active = true
    private var cursorVisible = false

    /// Sets the locale from the environment, initialises curses (raw mode, no echo, keypad,
    /// mouse, default colours) and installs the signal handlers that restore the terminal.
    /// Throws when stdin/stdout are not a terminal or the terminal type is unknown.
    /// `colorDepth` caps the colours used; nil uses what the terminal has. NO_COLOR (set and not
    /// empty) always means no colour.
    public init(colorDepth cap: ColorDepth? = nil) throws(TerminalError) {
        setlocale(LC_ALL, "")
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError(message: "standard input and output must be a terminal") }
        guard let term = getenv("TERM"), term.pointee != 0 else { throw TerminalError(message: "TERM is not set") }
        _ = term
        let unicode = cn_locale_is_utf8() != 0
        set_escdelay(25)
        guard let screen = cn_newterm() else {
            throw TerminalError(message: "cannot initialise the terminal (TERM=\(String(cString: getenv("TERM"))))")
        }
        set_term(screen)
        cn_register_atexit()
        raw()
        noecho()
        nonl()
        keypad(cn_stdscr(), true)
        meta(cn_stdscr(), true)
        curs_set(0)
        _ = mousemask(cn_button1_pressed() | cn_button4_pressed() | cn_button5_pressed(), nil)
        _ = mouseinterval(0)
        var depth = ColorDepth.none
        if has_colors() {
            start_color()
            use_default_colors()
            depth = min(ColorDepth(colorCount: Int(cn_colors())), .indexed256)
        }
        if let cap { depth = min(depth, cap) }
        // https://no-color.org: NO_COLOR set and not empty means no colour, whatever the theme.
        if let nc = getenv("NO_COLOR"), nc.pointee != 0 { depth = .none }
        maxPairs = Int32(min(Int(cn_color_pairs()), 32767))
        capabilities = TerminalCapabilities(unicode: unicode, colorDepth: depth)
        cn_install_fatal_signal_handlers()
    }

    deinit { restore() }

    /// Runs `body` with a terminal and restores the terminal afterwards, also when `body` throws.
    @discardableResult
    public static func run<T>(colorDepth: ColorDepth? = nil, _ body: (CursesTerminal) throws -> T) throws -> T {
        let t = try CursesTerminal(colorDepth: colorDepth)
        defer { t.restore() }
        return try body(t)
    }

    /// Leaves curses mode and puts the terminal back as it was. Safe to call more than once.
    public func restore() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
        cn_restore_default_signal_handlers()
    }

    public var size: (width: Int, height: Int) { (Int(cn_cols()), Int(cn_lines())) }

    // MARK: output

    public func present(_ buffer: ScreenBuffer) {
        guard active else { return }
        let win = cn_stdscr()
        let changes: [CellChange]
        if let last, last.width == buffer.width, last.height == buffer.height {
            changes = buffer.diff(from: last)
        } else {
            wclear(win)
            changes = buffer.diff(from: ScreenBuffer(width: 0, height: 0))
        }
        for ch in changes where !ch.cell.isContinuation {
            write(ch.cell, x: ch.x, y: ch.y, window: win)
        }
        last = buffer
        if let c = buffer.cursor {
            if !cursorVisible { curs_set(1); cursorVisible = true }
            wmove(win, Int32(c.y), Int32(c.x))
        } else if cursorVisible {
            curs_set(0); cursorVisible = false
        }
        wnoutrefresh(win)
        doupdate()
    }

    private func write(_ cell: Cell, x: Int, y: Int, window: UnsafeMutablePointer<WINDOW>?) {
        let (attrs, pair) = cursesStyle(cell.style)
        var scalars = cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        if !capabilities.unicode, !cell.character.isASCII {
            // Non-UTF-8 locale: only ASCII can be shown; keep the layout (a wide cell is two '?').
            let a = asciiFallback(cell.character).asciiValue ?? 63
            scalars = Array(repeating: wchar_t(a), count: Int(max(1, cell.width)))
            scalars.append(0)
            _ = scalars.withUnsafeBufferPointer { cn_put_wstr(window, Int32(y), Int32(x), $0.baseAddress, Int32(scalars.count - 1), attrs, pair) }
            return
        }
        if scalars.count > Int(cn_ccharw_max()) { scalars = [scalars[0]] }
        scalars.append(0)
        _ = scalars.withUnsafeBufferPointer { cn_put_cchar(window, Int32(y), Int32(x), $0.baseAddress, attrs, pair) }
    }

    private func cursesStyle(_ style: Style) -> (attr_t, Int16) {
        if let c = styleCache[style] { return c }
        let s = style.downgraded(to: capabilities.colorDepth)
        var a = cn_a_normal()
        if s.attributes.contains(.bold) { a |= cn_a_bold() }
        if s.attributes.contains(.dim) { a |= cn_a_dim() }
        if s.attributes.contains(.italic) { a |= cn_a_italic() }
        if s.attributes.contains(.underline) { a |= cn_a_underline() }
        if s.attributes.contains(.reverse) { a |= cn_a_reverse() }
        let pair = pairFor(fg: colorIndex(s.foreground), bg: colorIndex(s.background))
        styleCache[style] = (a, pair)
        return (a, pair)
    }

    private func colorIndex(_ c: Color) -> Int16 {
        switch c {
        case .default: return -1
        case let .ansi(n): return Int16(n)
        case let .indexed(n): return Int16(n)
        case .rgb: return -1 // downgraded before this point
        }
    }

    private func pairFor(fg: Int16, bg: Int16) -> Int16 {
        if fg == -1 && bg == -1 { return 0 }
        let key = Int32(fg + 1) << 16 | Int32(bg + 1)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = Int16(nextPair)
        nextPair += 1
        init_pair(p, fg, bg)
        pairs[key] = p
        return p
    }

    // MARK: input

    public func nextEvent(timeoutMilliseconds: Int?) -> InputEvent {
        guard active else { return .endOfInput }
        let win = cn_stdscr()
        wtimeout(win, Int32(timeoutMilliseconds ?? -1))
        var ch: wint_t = 0
        let r = wget_wch(win, &ch)
        if r == ERR { return timeoutMilliseconds == nil ? .endOfInput : .timeout }
        if r == cn_key_code_yes() { return functionKey(Int32(ch)).map { .key($0) } ?? .timeout }
        return .key(characterKey(UInt32(ch)))
    }

    private func characterKey(_ v: UInt32) -> Key {
        switch v {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 27: return .escape
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(v + 96)!))
        default: return .character(Character(Unicode.Scalar(v) ?? "?"))
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME, KEY_A1: return .home
        case KEY_END, KEY_C1, KEY_LL: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouseKey()
        default:
            let f0 = cn_key_f(0)
            if code > f0 && code <= f0 + 24 { return .function(Int(code - f0)) }
            return nil
        }
    }

    private func mouseKey() -> Key? {
        var ev = MEVENT()
        guard getmouse(&ev) == OK else { return nil }
        let x = Int(ev.x), y = Int(ev.y)
        if ev.bstate & cn_button4_pressed() != 0 { return .mouse(.wheelUp(x: x, y: y)) }
        if cn_button5_pressed() != 0, ev.bstate & cn_button5_pressed() != 0 { return .mouse(.wheelDown(x: x, y: y)) }
        if ev.bstate & (cn_button1_pressed() | cn_button1_clicked()) != 0 { return .mouse(.click(x: x, y: y)) }
        return nil
    }
}

/// A mouse event in screen cells.
public enum MouseEvent: Sendable, Hashable {
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

/// A key press or other input event.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, backspace, delete, tab, backTab, escape
    /// Control + a letter (lower-case), e.g. `.ctrl("d")`.
    case ctrl(Character)
    /// F1...F12.
    case function(Int)
    case mouse(MouseEvent)
    /// The terminal changed size.
    case resize

    /// Parses key notation: `q`, `G`, `/`, `C-d`, `Up`, `Down`, `Left`, `Right`, `PgUp`, `PgDn`,
    /// `Home`, `End`, `Enter`, `Backspace`, `Del`, `Tab`, `S-Tab`, `Esc`, `Space`, `F1`..`F12`.
    public init?(_ spec: String) {
        switch spec {
        case "Up": self = .up
        case "Down": self = .down
        case "Left": self = .left
        case "Right": self = .right
        case "PgUp": self = .pageUp
        case "PgDn": self = .pageDown
        case "Home": self = .home
        case "End": self = .end
        case "Enter": self = .enter
        case "Backspace": self = .backspace
        case "Del": self = .delete
        case "Tab": self = .tab
        case "S-Tab": self = .backTab
        case "Esc": self = .escape
        case "Space": self = .character(" ")
        default:
            if spec.count == 1, let c = spec.first { self = .character(c); return }
            if spec.hasPrefix("C-"), spec.count == 3, let c = spec.last, c.isLetter { self = .ctrl(Character(c.lowercased())); return }
            if spec.hasPrefix("F"), let n = Int(spec.dropFirst()), (1...24).contains(n) { self = .function(n); return }
            return nil
        }
    }

    /// How the key is shown in hints and help (`↑` or `Up` depending on the glyph set).
    public func label(unicode: Bool = true) -> String {
        switch self {
        case let .character(c): return c == " " ? "Space" : String(c)
        case .up: return unicode ? "↑" : "Up"
        case .down: return unicode ? "↓" : "Down"
        case .left: return unicode ? "←" : "Left"
        case .right: return unicode ? "→" : "Right"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .backspace: return "Bksp"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .escape: return "Esc"
        case let .ctrl(c): return "C-" + String(c)
        case let .function(n): return "F\(n)"
        case .mouse: return "mouse"
        case .resize: return "resize"
        }
    }

    public var description: String { label(unicode: false) }
}

/// One entry of a keymap: the keys, the action they trigger, help text and where they apply.
public struct KeyBinding<Action: Sendable & Hashable>: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Line in the help overlay.
    public var help: String
    /// The context (pane, mode) the binding applies in; `Keymap.global` applies everywhere.
    public var context: String
    /// Short label for the footer; nil keeps the binding out of the footer.
    public var hint: String?

    public init(_ keys: [Key], _ action: Action, _ help: String, context: String = Keymap<Action>.global, hint: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.context = context
        self.hint = hint
    }

    /// Builds a binding from key notation (see `Key.init(_:)`); unknown notations are dropped.
    public init(_ specs: [String], _ action: Action, _ help: String, context: String = Keymap<Action>.global, hint: String? = nil) {
        self.init(specs.compactMap(Key.init), action, help, context: context, hint: hint)
    }
}

/// Key bindings as data. The same table answers "what does this key do here", generates the
/// footer hints for the current context and the help overlay.
public struct Keymap<Action: Sendable & Hashable>: Sendable {
    public static var global: String { "global" }
    public var bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) { self.bindings = bindings }

    /// The action for `key` in the first of `contexts` that binds it, then in the global context.
    public func action(for key: Key, in contexts: [String]) -> Action? {
        for ctx in contexts + [Keymap.global] {
            if let b = bindings.first(where: { $0.context == ctx && $0.keys.contains(key) }) { return b.action }
        }
        return nil
    }

    /// Footer hints for `contexts` (most specific first), then global ones; one hint per action.
    /// `include` can leave out actions that do nothing in the current state.
    public func hints(for contexts: [String], unicode: Bool = true, include: (Action) -> Bool = { _ in true }) -> [KeyHint] {
        var seen = Set<Action>()
        var out: [KeyHint] = []
        for ctx in contexts + [Keymap.global] {
            for b in bindings where b.context == ctx {
                guard let h = b.hint, let k = b.keys.first, !seen.contains(b.action), include(b.action) else { continue }
                seen.insert(b.action)
                out.append(KeyHint(key: k.label(unicode: unicode), label: h))
            }
        }
        return out
    }

    /// The help overlay's content: for each context in first-use order, (keys, help) rows.
    public func helpSections(unicode: Bool = true) -> [(context: String, rows: [(keys: String, help: String)])] {
        var order: [String] = []
        var rows: [String: [(String, String)]] = [:]
        for b in bindings {
            if rows[b.context] == nil { order.append(b.context); rows[b.context] = [] }
            rows[b.context]!.append((b.keys.map { $0.label(unicode: unicode) }.joined(separator: " "), b.help))
        }
        return order.map { ($0, rows[$0]!.map { (keys: $0.0, help: $0.1) }) }
    }

    /// Keys bound more than once within one context (a table error tests can check for).
    public func conflicts() -> [(context: String, key: Key)] {
        var seen = Set<String>()
        var out: [(String, Key)] = []
        for b in bindings {
            for k in b.keys {
                let id = b.context + "\u{0}" + k.label(unicode: false)
                if seen.contains(id) { out.append((b.context, k)) } else { seen.insert(id) }
            }
        }
        return out
    }
}

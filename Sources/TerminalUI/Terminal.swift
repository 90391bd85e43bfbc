/// What a terminal can show.
public struct TerminalCapabilities: Sendable, Hashable {
    /// The locale is UTF-8: Unicode line drawing and text. Otherwise ASCII only.
    public var unicode: Bool
    public var colorDepth: ColorDepth

    public init(unicode: Bool = true, colorDepth: ColorDepth = .indexed256) {
        self.unicode = unicode
        self.colorDepth = colorDepth
    }

    public var glyphs: Glyphs { .forUnicode(unicode) }
}

/// An input event from a terminal.
public enum InputEvent: Sendable, Hashable {
    case key(Key)
    /// Nothing arrived within the timeout.
    case timeout
    /// Input has ended (a headless script ran out, or the terminal went away): the app should quit.
    case endOfInput
}

/// A terminal the app draws to and reads keys from: curses in the binary, `HeadlessTerminal` in
/// tests and benchmarks.
public protocol TerminalBackend: AnyObject {
    /// Current size in cells.
    var size: (width: Int, height: Int) { get }
    var capabilities: TerminalCapabilities { get }
    /// Shows `buffer`, writing only what changed since the previous call.
    func present(_ buffer: ScreenBuffer)
    /// Waits up to `timeoutMilliseconds` (nil: forever) for the next input event.
    func nextEvent(timeoutMilliseconds: Int?) -> InputEvent
}

/// A terminal without a screen: keys come from a script, presented frames are kept for
/// assertions. Used by tests and the UI benchmark.
public final class HeadlessTerminal: TerminalBackend {
    private enum Item {
        case event(InputEvent)
        case resize(Int, Int)
    }

    public private(set) var width: Int
    public private(set) var height: Int
    public var capabilities: TerminalCapabilities
    private var script: [Item] = []
    private var next = 0
    public private(set) var screen: ScreenBuffer
    public private(set) var frameCount = 0
    /// Cells written by the most recent `present` (what a real backend would have sent).
    public private(set) var lastChangeCount = 0
    /// Called after each presented frame (benchmarks time frames with it).
    public var onPresent: ((ScreenBuffer) -> Void)?

    public init(width: Int = 100, height: Int = 30, capabilities: TerminalCapabilities = TerminalCapabilities(), keys: [Key] = []) {
        self.width = width
        self.height = height
        self.capabilities = capabilities
        self.screen = ScreenBuffer(width: width, height: height)
        send(keys)
    }

    public var size: (width: Int, height: Int) { (width, height) }

    /// Events not yet delivered.
    public var pendingCount: Int { script.count - next }

    public func present(_ buffer: ScreenBuffer) {
        lastChangeCount = buffer.diff(from: screen).count
        screen = buffer
        frameCount += 1
        onPresent?(buffer)
    }

    public func nextEvent(timeoutMilliseconds: Int?) -> InputEvent {
        guard next < script.count else { return .endOfInput }
        let item = script[next]
        next += 1
        switch item {
        case let .event(e): return e
        case let .resize(w, h):
            width = w
            height = h
            return .key(.resize)
        }
    }

    /// Queues keys.
    public func send(_ keys: Key...) { send(keys) }
    public func send(_ keys: [Key]) { script += keys.map { .event(.key($0)) } }
    /// Queues each character of `text` as a key press; `\n` is Enter, `\t` Tab, ESC Escape.
    public func type(_ text: String) {
        send(text.map { c -> Key in
            switch c {
            case "\n", "\r", "\r\n": return .enter
            case "\t": return .tab
            case "\u{1B}": return .escape
            default: return .character(c)
            }
        })
    }
    /// Queues a timeout event (an idle tick).
    public func sendTimeout() { script.append(.event(.timeout)) }
    /// Queues a resize: when it is delivered, the size changes and a `.resize` key is returned.
    public func resize(width: Int, height: Int) { script.append(.resize(width, height)) }
}

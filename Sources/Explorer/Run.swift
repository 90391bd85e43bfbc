import OnnxModel
import TerminalUI

/// Runs the explorer on `terminal` until the user quits or input ends. The terminal is not
/// restored here: the caller owns it (for curses, `CursesTerminal.run { ... }` restores it on
/// every exit path). `problems` are validation findings to list (computed when nil).
/// Returns the state at exit (tests inspect it).
@discardableResult
public func runExplorerTUI(
    model: Model, problems: [Problem]? = nil, terminal: some TerminalBackend,
    themeName: String? = nil, themeLoader: ThemeLoader = ThemeLoader()
) -> AppState {
    let loaded = themeLoader.load(themeName)
    var caps = terminal.capabilities
    caps.colorDepth = themeLoader.effectiveDepth(caps.colorDepth)
    let index = ModelIndex(model: model, problems: problems ?? Validator.validate(model))
    let (w, h) = terminal.size
    var state = AppState(index: index, width: w, height: h, theme: loaded.theme, themeNames: themeLoader.availableNames(), capabilities: caps)
    if let e = loaded.error { state.message = Message(text: "theme: \(e.description) (using \(loaded.theme.name))", isError: true) }
    while true {
        terminal.present(render(state))
        switch terminal.nextEvent(timeoutMilliseconds: nil) {
        case .endOfInput:
            return state
        case .timeout:
            continue
        case let .key(k):
            if k == .resize {
                let (w, h) = terminal.size
                update(&state, .resize(width: w, height: h))
                continue
            }
            switch update(&state, .key(k)) {
            case .none: break
            case .quit: return state
            case let .loadTheme(name):
                let r = themeLoader.load(name)
                update(&state, .themeLoaded(r.theme, error: r.error?.description))
            }
        }
    }
}

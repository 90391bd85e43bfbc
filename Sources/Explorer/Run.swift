import OnnxModel
import TerminalUI

/// Runs the explorer on `terminal` until the user quits or input ends. The terminal is not
/// restored here: the caller owns it (for curses, `CursesTerminal.run { ... }` restores it on
/// every exit path). `problems` are validation findings to list (computed when nil).
/// The interpreter runs on a worker thread (`DebugEngine`); while it works the loop wakes every
/// 50 ms to redraw the progress bar and keeps handling keys (Esc and C-c interrupt).
/// Returns the state at exit (tests inspect it).
@discardableResult
public func runExplorerTUI(
    model: Model, problems: [Problem]? = nil, terminal: some TerminalBackend,
    themeName: String? = nil, themeLoader: ThemeLoader = ThemeLoader(), debug: DebugOptions = DebugOptions()
) -> AppState {
    let loaded = themeLoader.load(themeName)
    var caps = terminal.capabilities
    caps.colorDepth = themeLoader.effectiveDepth(caps.colorDepth)
    let index = ModelIndex(model: model, problems: problems ?? Validator.validate(model))
    let (w, h) = terminal.size
    var state = AppState(index: index, width: w, height: h, theme: loaded.theme, themeNames: themeLoader.availableNames(), capabilities: caps)
    if let e = loaded.error { state.message = Message(text: "theme: \(e.description) (using \(loaded.theme.name))", isError: true) }

    let engine = DebugEngine(model: model, options: debug)
    let stateDir = debug.stateDirectory ?? InputStore.defaultStateDirectory() ?? ""
    let store: InputStore? = stateDir.isEmpty ? nil : InputStore(directory: stateDir)
    state.exec.remember = store != nil
    state.configureDebugger(debug, remembered: store?.load(modelPath: model.source.path), budget: engine.budget)

    /// Carries out effects.
    func perform(_ effects: [Effect]) {
        var requests: [DebugRequest] = []
        for e in effects {
            switch e {
            case let .debug(r): requests.append(r)
            case .interrupt:
                engine.submit(requests)
                requests = []
                engine.interrupt()
            case let .saveInputs(c):
                do { try store?.save(c, modelPath: model.source.path) } catch {
                    update(&state, .notice("could not remember the inputs: \(error.description)", isError: true))
                }
            case .audit: engine.computeAudit()
            }
        }
        engine.submit(requests)
    }

    /// Applies a reaction; true when the explorer should quit.
    func react(_ r: Reaction) -> Bool {
        switch r {
        case .none: return false
        case .quit: return true
        case let .loadTheme(name):
            let t = themeLoader.load(name)
            _ = react(update(&state, .themeLoaded(t.theme, error: t.error?.description)))
            return false
        case let .effects(e):
            perform(e)
            return false
        }
    }

    /// Feeds engine results to `update`.
    func drain() {
        for e in engine.drain() { _ = react(update(&state, .debug(e))) }
    }

    perform(state.takeEffects())
    if debug.settle { engine.waitUntilSettled() }
    while true {
        drain()
        let busy = !engine.isIdle
        if busy || state.exec.elapsed != nil { update(&state, .tick(elapsed: engine.runElapsed)) }
        terminal.present(render(state))
        switch terminal.nextEvent(timeoutMilliseconds: busy ? 50 : nil) {
        case .endOfInput:
            // A script ran out (or the terminal went away): let queued work finish so the final
            // state shows its results.
            if !engine.isIdle {
                engine.waitUntilSettled()
                drain()
                terminal.present(render(state))
            }
            return state
        case .timeout:
            continue
        case let .key(k):
            if k == .resize {
                let (w, h) = terminal.size
                update(&state, .resize(width: w, height: h))
                continue
            }
            if react(update(&state, .key(k))) {
                engine.interrupt()
                return state
            }
            if debug.settle { engine.waitUntilSettled() }
        }
    }
}

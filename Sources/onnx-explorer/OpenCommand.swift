import ArgumentParser
import Explorer
import OnnxModel
import TerminalUI
import TerminalUICurses

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the interactive explorer (the default command).",
        shouldDisplay: false
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(help: "Colour theme: dark, light, high-contrast, monochrome, or a user theme in $XDG_CONFIG_HOME/onnx-explorer/themes.")
    var theme: String?

    func run() throws {
        let m = try ModelOpening.load(model)
        // Models with structural problems still open: the problems are listed in the explorer.
        let problems = Validator.validate(m)
        do {
            _ = try CursesTerminal.run { term in
                runExplorerTUI(model: m, problems: problems, terminal: term, themeName: theme, themeLoader: ThemeLoader())
            }
        } catch let e as TerminalError {
            throw CommandFailure(message: "onnx-explorer: \(e.description)")
        }
    }
}

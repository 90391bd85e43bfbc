import ArgumentParser
import Explorer
import OnnxModel
import TerminalUI
import TerminalUICurses

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the interactive explorer (the default command).",
        discussion: """
        Debugging: s steps, c continues, b sets a breakpoint, i chooses the inputs (remembered per model \
        under $XDG_STATE_HOME/onnx-explorer), ? lists every key. The options below preset a session.
        """,
        shouldDisplay: false
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(help: "Colour theme: dark, light, high-contrast, monochrome, or a user theme in $XDG_CONFIG_HOME/onnx-explorer/themes.")
    var theme: String?
    @Option(name: .customLong("input"), help: "NAME=FILE: feed an input from a .npy or .pb file (repeatable).") var inputs: [String] = []
    @Option(name: .customLong("dim"), help: "NAME=VALUE: bind a symbolic dim for generated inputs (repeatable).") var dims: [String] = []
    @Option(help: "Seed for generated inputs.") var seed: UInt64?
    @Option(help: "Reference values to compare with: a test_data_set_N folder, a folder of NAME.npy, or a --dump-dir of run.")
    var reference: String?
    @Option(help: "Memory for intermediates (e.g. 512M, 2G); evicted ones are recomputed. Default: a quarter of RAM.")
    var keepBudget: String?
    @Option(name: .customLong("break-on"), help: "nan | inf | node:NAME | op:TYPE | abs>X (repeatable).") var breakOn: [String] = []
    @Option(help: "Relative tolerance for reference comparison.") var rtol = 1e-3
    @Option(help: "Absolute tolerance for reference comparison.") var atol = 1e-5
    @Option(help: "Threads for kernels.") var threads = 1
    @Option(name: .customLong("bench-debug"), help: ArgumentHelp("Instead of opening the explorer: time N runs plain and N observed by the debugger, and print the overhead.", visibility: .hidden))
    var benchDebug: Int?

    func run() throws {
        let debug = try DebugOptionsParsing.make(inputs: inputs, dims: dims, seed: seed, reference: reference, keepBudget: keepBudget,
                                                 breakOn: breakOn, rtol: rtol, atol: atol, threads: threads)
        let m = try ModelOpening.load(model)
        if let runs = benchDebug {
            do { print(try benchmarkDebugger(model: m, runs: runs, options: debug).text) } catch { throw CommandFailure(message: "\(m.source.path): \(error)") }
            return
        }
        // Models with structural problems still open: the problems are listed in the explorer.
        let problems = Validator.validate(m)
        do {
            _ = try CursesTerminal.run { term in
                runExplorerTUI(model: m, problems: problems, terminal: term, themeName: theme, themeLoader: ThemeLoader(), debug: debug)
            }
        } catch let e as TerminalError {
            throw CommandFailure(message: "onnx-explorer: \(e.description)")
        }
    }
}

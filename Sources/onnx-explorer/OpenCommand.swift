import ArgumentParser
import OnnxModel
import Reports

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the interactive explorer (the default command).",
        shouldDisplay: false
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(help: "Colour theme: dark, light, high-contrast, monochrome, or a user theme.") var theme: String?

    func run() throws {
        let m = try ModelOpening.load(model)
        // The curses explorer is wired in here once the TUI lands; until then show the summary.
        let report = InfoReport(model: m, problems: Validator.validate(m))
        print(report.text)
    }
}

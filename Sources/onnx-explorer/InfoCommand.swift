import ArgumentParser
import OnnxModel
import Reports

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Structure summary: IR/opset/producer, counts, inputs/outputs, op histogram, functions, metadata.",
        discussion: "With no MODEL, describes the embedded sample. Exits 2 when the model or its tensor data cannot be read."
    )

    @Argument(help: "The .onnx file.") var model: String?
    @Flag(help: "Print JSON (schema in README.md).") var json = false

    func run() throws {
        let m = try ModelOpening.load(model)
        let problems = Validator.validate(m)
        // Unreadable tensor data is bad input: one line, exit 2 (the TUI still opens such models).
        if let bad = problems.first(where: { $0.isDataError }) {
            throw CommandFailure(message: "\(m.source.path): \(bad.location): \(TextHygiene.escaped(bad.message))")
        }
        let report = InfoReport(model: m, problems: problems)
        print(json ? report.json.serialized() : report.text)
    }
}

import ArgumentParser
import OnnxModel
import Reports

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Provenance, integrity and safety report with stable finding IDs (see README).",
        discussion: "Exit 0 unless --strict is given and an error-level finding exists (exit 1); exit 2 when the model cannot be read."
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Exit 1 on any error-level finding.") var strict = false
    @Flag(name: .customLong("hash-tensors"), help: "Also print the SHA-256 of each initializer's data.") var hashTensors = false

    func run() throws {
        let m = try ModelOpening.load(model)
        let report = AuditReport(model: m, options: .init(hashTensors: hashTensors, supportsOp: OpSupport.check))
        print(json ? report.json.serialized() : report.text)
        if strict && report.errorCount > 0 { throw ExitCode(1) }
    }
}

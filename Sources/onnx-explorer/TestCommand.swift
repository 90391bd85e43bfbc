import ArgumentParser
import OnnxRuntime
import Reports

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ONNX backend-test cases (CASE/model.onnx + CASE/test_data_set_N/*.pb) and compare outputs.",
        discussion: """
        Finds every case under each PATH, runs it with the embedded interpreter and compares its outputs like the \
        ONNX backend (same count, dtype and shape; values within rtol 1e-3 / atol 1e-7, or the case's data.json; \
        NaN equals NaN). Prints one line per case and then "N passed, M failed, K skipped". Exits 1 if any case failed.
        """
    )

    @Argument(help: "Folders holding backend test cases (searched recursively), or case folders.") var paths: [String]
    @Option(help: "Only run cases whose name matches this regular expression.") var filter: String?
    @Option(help: "Threads for kernels.") var threads = 1
    @Flag(help: "Print JSON: passed, failed, skipped, cases [{name, status, reason}], ops.") var json = false

    func run() throws {
        var cases: [TestRunner.Case]
        do { cases = try TestRunner.discover(paths) } catch { throw CommandFailure(message: error.description) }
        if let filter {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(filter) } catch { throw CommandFailure(message: "--filter: invalid regular expression '\(filter)'") }
            cases = cases.filter { $0.name.contains(regex) }
        }
        guard threads > 0 else { throw CommandFailure(message: "--threads must be at least 1") }
        var results: [TestRunner.Result] = []
        for c in cases {
            let r = TestRunner.run(c, threads: threads)
            results.append(r)
            if !json { print(TestReport.line(r)) }
        }
        let report = TestReport(results: results)
        if json { print(report.json.serialized()) } else { print(report.summaryLine) }
        if report.failed > 0 { throw ExitCode(1) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import OnnxRuntime
import Reports

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ONNX backend-test cases (CASE/model.onnx + CASE/test_data_set_N/*.pb) and compare outputs.",
        discussion: """
        Finds every case under each PATH, runs it with the embedded interpreter and compares its outputs like the \
        ONNX backend (same count, dtype and shape; values within rtol 1e-3 / atol 1e-7, or the case's data.json; \
        NaN equals NaN). Prints one line per case and then "N passed, M failed, K skipped". Exits 1 if any case failed. \
        Cases run in a worker process: one that crashes or exceeds --timeout fails alone.
        """
    )

    @Argument(help: "Folders holding backend test cases (searched recursively), or case folders.") var paths: [String] = []
    @Option(help: "Only run cases whose name matches this regular expression.") var filter: String?
    @Option(help: "Threads for kernels.") var threads = 1
    @Option(help: "Seconds a single case may run before it fails.") var timeout: Double = 120
    @Flag(help: "Run the cases in this process (a crash ends the run).") var inProcess = false
    @Flag(help: "Run ops that the ONNX spec defines as functions from their function body instead of their kernel (checks the bodies).")
    var functionBodies = false
    @Flag(help: "Print JSON: passed, failed, skipped, cases [{name, status, reason}], ops.") var json = false
    @Option(help: .hidden) var workerList: String?

    func run() throws {
        guard threads > 0 else { throw CommandFailure(message: "--threads must be at least 1") }
        if let workerList {
            do { try TestSupervisor.work(listPath: workerList, threads: threads, functionBodies: functionBodies) } catch { throw CommandFailure(message: error.description) }
            return
        }
        guard !paths.isEmpty else { throw CommandFailure(message: "test: give at least one PATH holding backend test cases") }
        guard timeout > 0 else { throw CommandFailure(message: "--timeout must be positive") }
        var cases: [TestRunner.Case]
        do { cases = try TestRunner.discover(paths) } catch { throw CommandFailure(message: error.description) }
        if let filter {
            let regex: Regex<AnyRegexOutput>
            do { regex = try Regex(filter) } catch { throw CommandFailure(message: "--filter: invalid regular expression '\(filter)'") }
            cases = cases.filter { $0.name.contains(regex) }
        }
        let printLines = !json
        var results: [TestRunner.Result] = []
        if inProcess {
            for c in cases {
                let r = TestRunner.run(c, threads: threads, functionBodies: functionBodies)
                results.append(r)
                if printLines { print(TestReport.line(r)) }
            }
        } else {
            let exe = Test.executablePath()
            let threads = self.threads
            let bodies = functionBodies ? ["--function-bodies"] : []
            do {
                results = try TestSupervisor.run(cases: cases, executable: exe,
                                                 workerArguments: { ["test", "--worker-list", $0, "--threads", String(threads)] + bodies },
                                                 timeout: timeout) { r in
                    if printLines { print(TestReport.line(r)) }
                }
            } catch {
                throw CommandFailure(message: error.description)
            }
        }
        let report = TestReport(results: results)
        if json { print(report.json.serialized()) } else { print(report.summaryLine) }
        if report.failed > 0 { throw ExitCode(1) }
    }

    /// This executable (for starting workers).
    static func executablePath() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}

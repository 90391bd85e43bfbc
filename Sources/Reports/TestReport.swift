#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import OnnxRuntime

/// The `test` command's report: one line per case and the summary line, or JSON.
public struct TestReport {
    public var results: [TestRunner.Result]

    public init(results: [TestRunner.Result]) { self.results = results }

    public var passed: Int { results.filter { $0.status == .pass }.count }
    public var failed: Int { results.filter { $0.status == .fail }.count }
    public var skipped: Int { results.filter { $0.status == .skip }.count }

    /// "PASS name", "FAIL name: reason", "SKIP name: reason".
    public static func line(_ r: TestRunner.Result) -> String {
        switch r.status {
        case .pass: return "PASS \(r.name)"
        case .fail: return "FAIL \(r.name): \(TextHygiene.escaped(r.reason))"
        case .skip: return "SKIP \(r.name): \(TextHygiene.escaped(r.reason))"
        }
    }

    /// Exactly `N passed, M failed, K skipped`.
    public var summaryLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

    public var text: String { (results.map(TestReport.line) + [summaryLine]).joined(separator: "\n") }

    /// Per op type: how many cases using it passed, failed, were skipped.
    public var opSummary: [(op: String, passed: Int, failed: Int, skipped: Int)] {
        var table: [String: (Int, Int, Int)] = [:]
        for r in results {
            for op in r.opTypes {
                var e = table[op] ?? (0, 0, 0)
                switch r.status {
                case .pass: e.0 += 1
                case .fail: e.1 += 1
                case .skip: e.2 += 1
                }
                table[op] = e
            }
        }
        return table.map { ($0.key, $0.value.0, $0.value.1, $0.value.2) }.sorted { $0.op < $1.op }
    }

    /// Failure reasons "unsupported op X" counted by op.
    public var unsupportedOps: [(op: String, cases: Int)] {
        var c: [String: Int] = [:]
        for r in results where r.status == .fail && r.reason.hasPrefix("unsupported op ") {
            let op = String(r.reason.dropFirst("unsupported op ".count).prefix { $0 != " " })
            c[op, default: 0] += 1
        }
        return c.map { ($0.key, $0.value) }.sorted { $0.cases != $1.cases ? $0.cases > $1.cases : $0.op < $1.op }
    }

    public var json: JSON {
        let total = results.count
        return .object([
            ("passed", .int(passed)),
            ("failed", .int(failed)),
            ("skipped", .int(skipped)),
            ("total", .int(total)),
            ("pass_rate", .double(total == 0 ? 0 : Double(passed) / Double(total))),
            ("cases", .array(results.map {
                .object([("name", .string($0.name)), ("status", .string($0.status.rawValue)), ("reason", .string($0.reason)),
                         ("seconds", .double(($0.seconds * 1e4).rounded() / 1e4))])
            })),
            ("ops", .object(opSummary.map {
                ($0.op, .object([("passed", .int($0.passed)), ("failed", .int($0.failed)), ("skipped", .int($0.skipped))]))
            })),
            ("unsupported_ops", .object(unsupportedOps.map { ($0.op, .int($0.cases)) })),
        ])
    }
}

#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

struct OnnxExplorer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx-explorer",
        abstract: "Explore, run and audit ONNX models in the terminal.",
        discussion: """
        With no subcommand, opens the interactive explorer on MODEL (or on the embedded sample).
        Exit codes: 0 ok, 1 findings or failures you asked about, 2 bad input or arguments.
        """,
        version: Version.string,
        subcommands: [Open.self, Info.self, Audit.self, Run.self, Test.self, Bench.self, BenchUI.self],
        defaultSubcommand: Open.self
    )
}

enum Version {
    static let string = "0.1.0"
}

/// A failure to report as one line on stderr with exit code 2.
struct CommandFailure: Error {
    var message: String
}

enum FileHandleOut {
    static func stderr(_ s: String) {
        var line = s
        if !line.hasSuffix("\n") { line += "\n" }
        _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Exit codes are part of the contract: 0 ok, 1 findings/failures asked about, 2 bad input or arguments.
// ArgumentParser's own default for usage errors is 64, so parsing and errors are handled here.
func finish(_ error: Error) -> Never {
    switch error {
    case let exit as ExitCode:
        Glibc.exit(exit.rawValue)
    case let failure as CommandFailure:
        FileHandleOut.stderr(failure.message)
        Glibc.exit(2)
    default:
        // Help and version requests arrive as errors too; they print to stdout and exit 0.
        if OnnxExplorer.exitCode(for: error) == .success {
            print(OnnxExplorer.fullMessage(for: error))
            Glibc.exit(0)
        }
        FileHandleOut.stderr(OnnxExplorer.fullMessage(for: error))
        Glibc.exit(2)
    }
}

do {
    var command = try OnnxExplorer.parseAsRoot()
    try command.run()
} catch {
    finish(error)
}

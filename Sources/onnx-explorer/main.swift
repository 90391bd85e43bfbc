import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

// Exit codes are part of the contract: 0 ok, 1 findings/failures asked about, 2 bad input or arguments.
// ArgumentParser's own default for usage errors is 64, so parsing is driven here.
do {
    var command = try OnnxExplorer.parseAsRoot()
    do {
        try command.run()
    } catch let exit as ExitCode {
        Glibc.exit(exit.rawValue)
    } catch let failure as CommandFailure {
        FileHandleOut.stderr(failure.message)
        Glibc.exit(2)
    } catch {
        FileHandleOut.stderr("onnx-explorer: \(error)")
        Glibc.exit(2)
    }
} catch {
    let code = OnnxExplorer.exitCode(for: error)
    if code == .success {
        print(OnnxExplorer.fullMessage(for: error))
        Glibc.exit(0)
    }
    FileHandleOut.stderr(OnnxExplorer.fullMessage(for: error))
    Glibc.exit(2)
}

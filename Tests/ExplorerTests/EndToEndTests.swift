import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Drives the real binary in tmux: open a sample, move, search, open and close screens, quit,
/// and check the terminal is restored (stty settings unchanged, screen back to the shell).
/// Opt-in: runs when tmux is installed and ONNX_EXPLORER_BIN names the binary (CI sets it,
/// e.g. ONNX_EXPLORER_BIN=$(swift build --show-bin-path)/onnx-explorer), or ONNX_EXPLORER_E2E=1
/// uses .build/{debug,release}/onnx-explorer.
@Suite(.serialized) struct EndToEndTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String? {
        if let b = ProcessInfo.processInfo.environment["ONNX_EXPLORER_BIN"], FileManager.default.isExecutableFile(atPath: b) { return b }
        guard ProcessInfo.processInfo.environment["ONNX_EXPLORER_E2E"] == "1" else { return nil }
        for c in ["debug", "release"] {
            let p = repo.appendingPathComponent(".build/\(c)/onnx-explorer").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static var tmux: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool { binary != nil && tmux != nil }

    /// A tmux server of our own (-L), killed at the end of the test.
    let socket = "oe-e2e-\(getpid())"

    /// Starts the tmux server and session with every descriptor above 2 closed. (Foundation's
    /// Process lets the child inherit its own descriptors; the daemon tmux forks would keep them,
    /// and Process would then wait for the whole session to end.)
    func startSession(_ args: [String]) -> Int32 {
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&fa, fd) }
        }
        let argv = ([EndToEndTests.tmux!, "-L", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, EndToEndTests.tmux!, &fa, nil, argv, env) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// Runs a tmux client command (the server is already running).
    @discardableResult
    func run(_ args: [String], output: Bool = false) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: EndToEndTests.tmux!)
        p.arguments = ["-L", socket] + args
        p.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        if output {
            p.standardOutput = pipe
            p.standardError = pipe
        } else {
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
        }
        do { try p.run() } catch { return (-1, "\(error)") }
        var out = ""
        if output { out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        p.waitUntilExit()
        return (p.terminationStatus, out)
    }

    func capture(_ session: String) -> String { run(["capture-pane", "-p", "-t", session], output: true).1 }

    /// Polls the pane until `predicate` holds on a settled screen (or ~5 s pass). A capture can
    /// catch a frame half written (its top line new, the rest old), so a match counts only when
    /// the next capture, 50 ms later, is the same.
    func waitFor(_ session: String, _ predicate: (String) -> Bool) -> String {
        var screen = ""
        for _ in 0..<100 {
            screen = capture(session)
            if predicate(screen) {
                usleep(50_000)
                let again = capture(session)
                if again == screen { return screen }
                continue
            }
            usleep(50_000)
        }
        return screen
    }

    @Test(.enabled(if: EndToEndTests.available, "needs tmux and ONNX_EXPLORER_BIN (or ONNX_EXPLORER_E2E=1 with a built .build/debug/onnx-explorer)"))
    func openMoveSearchQuitRestores() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oe-e2e-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = dir.appendingPathComponent("stty.before").path
        let after = dir.appendingPathComponent("stty.after").path
        let sample = EndToEndTests.repo.appendingPathComponent("samples/tour.onnx").path
        let session = "oe-e2e-\(getpid())"
        let script = "stty -a > '\(before)'; '\(EndToEndTests.binary!)' '\(sample)'; echo \"EXIT=$?\"; stty -a > '\(after)'; sleep 30"
        let rc = startSession(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8", "sh", "-c", script])
        #expect(rc == 0)
        defer { run(["kill-server"]) }

        let first = waitFor(session) { $0.contains("onnx-explorer") && $0.contains("Graph") }
        #expect(first.contains("tour.onnx"))
        #expect(first.contains("Details"))

        run(["send-keys", "-t", session, "j", "j", "Tab", "Tab"])
        run(["send-keys", "-t", session, "/", "M", "a", "t", "M", "u", "l", "Enter"])
        let searched = waitFor(session) { $0.contains("match 1 of") }
        #expect(searched.contains("MatMul"))
        run(["send-keys", "-t", session, "m"])
        #expect(waitFor(session) { $0.contains("Model metadata") }.contains("ir_version"))
        run(["send-keys", "-t", session, "Escape", "?"])
        #expect(waitFor(session) { $0.contains("Keys") }.contains("Graph tree"))
        run(["send-keys", "-t", session, "Escape"])
        run(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        _ = waitFor(session) { $0.split(separator: "\n").first.map { $0.count <= 80 } ?? false }
        run(["send-keys", "-t", session, "q"])

        let done = waitFor(session) { $0.contains("EXIT=") }
        #expect(done.contains("EXIT=0"))
        // The explorer's screen is gone (curses left the alternate screen) ...
        #expect(!done.contains("Enter open"))
        // ... and the terminal modes are what they were (apart from the size we changed).
        usleep(200_000)
        let strip: (String) -> [Substring] = { s in s.split(separator: "\n").filter { !$0.contains("rows") } }
        let b = (try? String(contentsOfFile: before, encoding: .utf8)) ?? "missing"
        let a = (try? String(contentsOfFile: after, encoding: .utf8)) ?? "missing"
        #expect(strip(b) == strip(a))
        #expect(b != "missing")
    }

    @Test(.enabled(if: EndToEndTests.available, "needs tmux and ONNX_EXPLORER_BIN (or ONNX_EXPLORER_E2E=1 with a built .build/debug/onnx-explorer)"))
    func stepToTheFirstNaN() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oe-e2e-step-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = EndToEndTests.repo.appendingPathComponent("samples/nan_debug.onnx").path
        let input = EndToEndTests.repo.appendingPathComponent("samples/nan_debug_input.npy").path
        let session = "oe-e2e-step-\(getpid())"
        let script = "'\(EndToEndTests.binary!)' '\(sample)' --input 'x=\(input)'; echo \"EXIT=$?\"; sleep 30"
        let rc = startSession(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8",
                               "-e", "XDG_STATE_HOME=\(dir.path)", "sh", "-c", script])
        #expect(rc == 0)
        defer { run(["kill-server"]) }

        _ = waitFor(session) { $0.contains("Graph") && $0.contains("Details") }
        // Three steps: Mul, Sub, then Sqrt makes the NaN at [0, 5].
        run(["send-keys", "-t", session, "s", "s", "s"])
        let stepped = waitFor(session) { $0.contains("ran Sqrt /features/Sqrt") }
        #expect(stepped.contains("1 NaN (first at [0, 5])"))
        #expect(stepped.contains("paused"))
        #expect(stepped.contains("▶ MatMul"))
        // The tensor view of its output shows the index too.
        run(["send-keys", "-t", session, "t"])
        #expect(waitFor(session) { $0.contains("first NaN at") }.contains("first NaN at [0, 5] (flat 5)"))
        run(["send-keys", "-t", session, "Escape"])
        _ = waitFor(session) { $0.contains("Details") }
        // Continue to the end, then C-c (nothing running) quits.
        run(["send-keys", "-t", session, "c"])
        #expect(waitFor(session) { $0.contains("finished") }.contains("scores float32[1,4] 4 NaN"))
        run(["send-keys", "-t", session, "C-c"])
        #expect(waitFor(session) { $0.contains("EXIT=") }.contains("EXIT=0"))
    }
}

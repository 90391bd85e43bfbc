#if canImport(Glibc)
import Glibc
#endif
import OnnxRuntime

/// Runs test cases in a worker process so that a case that crashes or hangs fails on its own
/// ("crashed: signal 4", "timed out after 120 s") instead of ending the whole run. The worker is
/// this executable started again with a hidden option; it reads the case list from a file and
/// prints one machine-readable line per case. When it dies, a new worker continues after the case.
public enum TestSupervisor {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    // MARK: Worker side

    /// Case list file lines: `name<TAB>directory`.
    public static func writeList(_ cases: [TestRunner.Case], to path: String) throws(Failure) {
        let text = cases.map { "\(clean($0.name))\t\($0.directory)" }.joined(separator: "\n") + "\n"
        do { try Files.write(path, text) } catch { throw Failure(description: error.description) }
    }

    public static func readList(_ path: String) throws(Failure) -> [TestRunner.Case] {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch { throw Failure(description: error.description) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            return TestRunner.Case(name: String(parts[0]), directory: String(parts[1]))
        }
    }

    static func clean(_ s: String) -> String {
        String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
    }

    /// `START<TAB>index` before a case runs.
    public static func startLine(_ index: Int) -> String { "START\t\(index)" }

    /// `RESULT<TAB>index<TAB>status<TAB>seconds<TAB>ops<TAB>reason` after it.
    public static func resultLine(_ index: Int, _ r: TestRunner.Result) -> String {
        "RESULT\t\(index)\t\(r.status.rawValue)\t\(r.seconds)\t\(r.opTypes.joined(separator: ","))\t\(clean(r.reason))"
    }

    /// Runs the listed cases, printing START/RESULT lines (the worker process).
    public static func work(listPath: String, threads: Int, functionBodies: Bool = false) throws(Failure) {
        let cases = try readList(listPath)
        for (i, c) in cases.enumerated() {
            emit(startLine(i))
            emit(resultLine(i, TestRunner.run(c, threads: threads, functionBodies: functionBodies)))
        }
    }

    static func emit(_ line: String) {
        var s = line + "\n"
        s.withUTF8 { p in
            var off = 0
            while off < p.count {
                let n = Glibc.write(1, p.baseAddress! + off, p.count - off)
                if n <= 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }

    // MARK: Supervisor side

    /// Runs `cases` in workers started as `executable workerArguments(listPath)`; calls `onResult`
    /// as each case finishes (in order) and returns all results.
    public static func run(cases: [TestRunner.Case], executable: String, workerArguments: (String) -> [String],
                           timeout: Double, onResult: (TestRunner.Result) -> Void) throws(Failure) -> [TestRunner.Result] {
        var results: [TestRunner.Result] = []
        var next = 0
        let dir = "/tmp/onnx-explorer-test-\(getpid())"
        do { try Files.makeDirectory(dir) } catch { throw Failure(description: error.description) }
        defer {
            unlink(dir + "/cases.txt")
            rmdir(dir)
        }
        while next < cases.count {
            let batch = Array(cases[next...])
            let list = dir + "/cases.txt"
            try writeList(batch, to: list)
            var done = 0
            var current: Int?
            let outcome = try spawnAndRead(executable: executable, arguments: workerArguments(list), timeout: timeout) { line in
                let parts = line.split(separator: "\t", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
                if parts.first == "START", parts.count == 2, let i = Int(parts[1]) {
                    current = i
                } else if parts.first == "RESULT", parts.count == 6, let i = Int(parts[1]), i < batch.count,
                          let status = TestRunner.Status(rawValue: parts[2]) {
                    let r = TestRunner.Result(name: batch[i].name, status: status, reason: parts[5],
                                              opTypes: parts[4].isEmpty ? [] : parts[4].split(separator: ",").map(String.init),
                                              seconds: Double(parts[3]) ?? 0)
                    results.append(r)
                    onResult(r)
                    done = i + 1
                    current = nil
                }
            }
            if done == batch.count { break }
            // The worker died or hung during case `current` (or before starting one).
            let failed = current ?? done
            let why: String
            switch outcome {
            case let .signal(s): why = "crashed (signal \(s)\(s == SIGILL || s == SIGTRAP ? ": a Swift runtime trap" : ""))"
            case let .exit(code): why = "worker exited with status \(code)"
            case .timeout: why = "timed out after \(Int(timeout)) s"
            }
            for i in done..<failed {
                let r = TestRunner.Result(name: batch[i].name, status: .fail, reason: "worker stopped before this case", opTypes: [], seconds: 0)
                results.append(r)
                onResult(r)
            }
            let r = TestRunner.Result(name: batch[failed].name, status: .fail, reason: why, opTypes: [], seconds: 0)
            results.append(r)
            onResult(r)
            next += failed + 1
        }
        return results
    }

    enum Outcome { case exit(Int32), signal(Int32), timeout }

    /// Starts the worker, feeds each stdout line to `line`, enforces `timeout` per line of progress.
    static func spawnAndRead(executable: String, arguments: [String], timeout: Double, line: (String) -> Void) throws(Failure) -> Outcome {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw Failure(description: "cannot start a test worker (\(executable)): \(String(cString: strerror(rc)))")
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var timedOut = false
        var deadline = monotonic() + timeout
        while true {
            var p = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let waitMs = Int32(max(0, min(deadline - monotonic(), 3600)) * 1000)
            let n = poll(&p, 1, waitMs)
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 {
                timedOut = true
                kill(pid, SIGKILL)
                break
            }
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fds[0], $0.baseAddress, $0.count) }
            if got < 0 { if errno == EINTR { continue }; break }
            if got == 0 { break }
            buffer.append(contentsOf: chunk[0..<got])
            while let nl = buffer.firstIndex(of: 10) {
                let text = String(decoding: buffer[0..<nl], as: UTF8.self)
                buffer.removeSubrange(0...nl)
                line(text)
                deadline = monotonic() + timeout
            }
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { return .timeout }
        let sig = status & 0x7f
        if sig != 0 { return .signal(sig) }
        return .exit((status >> 8) & 0xff)
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

import OnnxModel
import OnnxRuntime

/// `onnx-explorer run`: headless execution with a line per node, breakpoints, and an optional dump
/// of every intermediate as .npy plus index.json.
public struct RunReport {
    public struct Options {
        public var breakpoints: [Breakpoint] = []
        public var dumpDir: String?
        public var threads = 1
        /// Called with each node's text line as it completes (nil: no lines).
        public var lineSink: ((String) -> Void)?
        public init() {}
    }

    public var outputs: [(name: String, value: Value?)] = []
    public var stop: Stop?
    public var error: RuntimeError?
    public var nodesExecuted = 0
    public var seconds = 0.0
    public var dumpedTensors = 0

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `model` on `feeds`. Kernel errors end the run and are reported in `error`; only
    /// problems with the dump folder throw.
    public static func run(model: Model, feeds: [String: Value], options: Options) throws(Failure) -> RunReport {
        var report = RunReport()
        var iopts = Interpreter.Options()
        iopts.threads = options.threads
        iopts.keepIntermediates = options.dumpDir != nil
        let interp = Interpreter(model: model, options: iopts)
        interp.breakpoints = Set(options.breakpoints)
        let dump: RunDumper? = options.dumpDir.map { RunDumper(dir: $0) }
        if let dump {
            do { try Files.makeDirectory(dump.dir) } catch { throw Failure(description: "--dump-dir: \(error.description)") }
            for (name, v) in feeds.sorted(by: { $0.key < $1.key }) { dump.add(name: name, value: v, node: nil, opType: nil) }
        }
        let sink = options.lineSink
        if sink != nil || dump != nil {
            interp.observer = { e in
                sink?(RunReport.line(e))
                if let dump {
                    let prefix = e.frame.isEmpty ? "" : e.frame + "/"
                    for (k, v) in e.outputs.enumerated() where k < e.node.outputs.count && !e.node.outputs[k].isEmpty {
                        if let v { dump.add(name: prefix + e.node.outputs[k], value: v, node: e.path, opType: e.node.opType) }
                    }
                }
            }
        }
        let t0 = RunClock.now()
        do {
            try interp.start(feeds: feeds)
            report.stop = try interp.run(until: .end)
        } catch {
            report.error = error
        }
        report.seconds = RunClock.seconds(since: t0)
        report.nodesExecuted = interp.nodesExecuted
        report.outputs = interp.outputs
        if let d = dump {
            if let e = d.failure { throw Failure(description: "--dump-dir: \(e)") }
            do { try d.writeIndex() } catch { throw Failure(description: "--dump-dir: \(error.description)") }
            report.dumpedTensors = d.entries.count
        }
        return report
    }

    /// True when the run stopped at a breakpoint or condition (not at the end).
    public var stoppedEarly: Bool {
        guard let stop else { return false }
        if case .finished = stop.reason { return false }
        return true
    }

    // MARK: - Text

    /// `Relu(conv1_out) -> relu1_out  float32[1,64,112,112] in [0, 5.2]`, indented by frame depth.
    public static func line(_ e: NodeEvent) -> String {
        let indent = String(repeating: "  ", count: e.depth)
        let ins = e.node.inputs.map { $0.isEmpty ? "_" : $0 }.joined(separator: ", ")
        let outs = e.node.outputs.filter { !$0.isEmpty }.joined(separator: ", ")
        let summaries = e.outputs.enumerated().compactMap { k, v -> String? in
            guard k < e.node.outputs.count, !e.node.outputs[k].isEmpty, let v else { return nil }
            return summary(v)
        }
        let label = e.depth > 0 ? e.frameLabel + ": " : ""
        return TextHygiene.escaped("\(indent)\(label)\(e.node.opType)(\(ins)) -> \(outs)  \(summaries.joined(separator: "; "))")
    }

    /// `float32[1,64] in [0, 5.2]` (+ NaN/Inf counts), `string[3]`, `sequence of 2`.
    public static func summary(_ v: Value) -> String {
        switch v {
        case let .tensor(t):
            let head = "\(t.dtype.name)\(shapeString(t.shape))"
            guard t.dtype != .string, t.count > 0 else { return head }
            let s = TensorStats(t)
            if t.count == 1 && !t.dtype.isComplex { return head + " = " + short(t.doubleValue(at: 0)) }
            var text = head
            if let lo = s.min, let hi = s.max { text += " in [\(short(lo)), \(short(hi))]" }
            if s.nanCount > 0 { text += " \(s.nanCount) NaN" }
            if s.infCount > 0 { text += " \(s.infCount) Inf" }
            return text
        case let .sequence(s): return "sequence of \(s.elements.count)"
        case .map: return "map"
        case let .optional(v): return v.map { "optional(\(summary($0)))" } ?? "optional(none)"
        }
    }

    /// A compact number: integers as is, others with about 5 significant digits.
    public static func short(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == v.rounded() && abs(v) < 1e9 { return String(Int64(v)) }
        return "\(Float(v))"
    }

    public func text(model: Model) -> String {
        var lines: [String] = []
        if let error {
            lines.append("error: \(error.description)")
        } else if let stop, stoppedEarly {
            lines.append("stopped " + RunReport.stopText(stop))
        }
        for (name, v) in outputs {
            lines.append("output \(name): \(v.map(RunReport.summary) ?? "not computed")")
        }
        lines.append("\(nodesExecuted) nodes executed in \(RunReport.short((seconds * 1e5).rounded() / 100)) ms" + (dumpedTensors > 0 ? ", \(dumpedTensors) tensors dumped" : ""))
        return lines.map(TextHygiene.escaped).joined(separator: "\n")
    }

    static func stopText(_ s: Stop) -> String {
        let node = s.nodePath.map { "at node '\($0)' (\(s.node?.opType ?? "?"))" } ?? ""
        return "\(node): \(reasonText(s))"
    }

    static func reasonText(_ s: Stop) -> String {
        switch s.reason {
        case let .breakpoint(b):
            switch b {
            case .node, .opType: return "breakpoint \(b.text) (before the node runs)"
            default: return "breakpoint \(b.text)" + (s.detail.map { ": \($0)" } ?? "")
            }
        case let .condition(why): return why
        case .finished: return "finished"
        case .stepped: return "stepped"
        case .reachedTarget: return "reached target"
        case .frameExited: return "left frame"
        case .interrupted: return "interrupted"
        }
    }

    // MARK: - JSON

    public var json: JSON {
        var stopped: JSON = .null
        if let error {
            stopped = .object([("node", .optional(error.nodePath)), ("op_type", .optional(error.opType)), ("reason", .string("error: \(error.message)"))])
        } else if let stop, stoppedEarly {
            stopped = .object([("node", .optional(stop.nodePath)), ("op_type", .optional(stop.node?.opType)), ("reason", .string(RunReport.reasonText(stop)))])
        }
        return .object([
            ("outputs", .array(outputs.map { name, v in RunReport.valueJSON(name: name, v) })),
            ("stopped_at", stopped),
            ("nodes_executed", .int(nodesExecuted)),
            ("elapsed_ms", .double((seconds * 1e6).rounded() / 1e3)),
            ("error", error.map { .string($0.description) } ?? .null),
        ])
    }

    static func valueJSON(name: String, _ v: Value?) -> JSON {
        guard let v else { return .object([("name", .string(name)), ("dtype", .null), ("shape", .null)]) }
        guard case let .tensor(t) = v else {
            return .object([("name", .string(name)), ("dtype", .string(v.kindText)), ("shape", .null)])
        }
        let s = TensorStats(t)
        return .object([
            ("name", .string(name)), ("dtype", .string(t.dtype.name)), ("shape", .array(t.shape.map { .int($0) })),
            ("min", s.min.map { .double($0) } ?? .null), ("max", s.max.map { .double($0) } ?? .null),
            ("mean", s.mean.map { .double($0) } ?? .null),
            ("nan_count", .int(s.nanCount)), ("inf_count", .int(s.infCount)),
        ])
    }
}

/// Writes intermediates as .npy files and remembers them for index.json.
final class RunDumper {
    struct Entry {
        var name: String
        var file: String
        var node: String?
        var opType: String?
        var dtype: String
        var storedDtype: String
        var shape: [Int]
        var stats: TensorStats
    }

    let dir: String
    var entries: [Entry] = []
    var usedFiles = Set<String>()
    var failure: String?

    init(dir: String) { self.dir = dir }

    /// A file name from a tensor name: unsafe characters become '_', clashes get a suffix.
    func fileName(_ name: String) -> String {
        var base = String(name.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_") ? c : "_"
        })
        if base.isEmpty || base.hasPrefix(".") { base = "_" + base }
        if base.count > 180 { base = String(base.prefix(180)) }
        var candidate = base + ".npy"
        var k = 1
        while usedFiles.contains(candidate) {
            candidate = "\(base)_\(k).npy"
            k += 1
        }
        usedFiles.insert(candidate)
        return candidate
    }

    func add(name: String, value: Value, node: String?, opType: String?) {
        guard failure == nil, case let .tensor(t) = value else { return }
        let file = fileName(name)
        do {
            try Npy.write(t, path: Files.join(dir, file))
        } catch {
            failure = error.message
            return
        }
        entries.append(Entry(name: name, file: file, node: node, opType: opType, dtype: t.dtype.name,
                             storedDtype: Npy.storedType(t.dtype).name, shape: t.shape, stats: TensorStats(t)))
    }

    func writeIndex() throws(Files.Failure) {
        let json = JSON.object([
            ("tensors", .object(entries.map { e in
                (e.name, .object([
                    ("file", .string(e.file)), ("node", .optional(e.node)), ("op_type", .optional(e.opType)),
                    ("dtype", .string(e.dtype)), ("stored_dtype", .string(e.storedDtype)),
                    ("shape", .array(e.shape.map { .int($0) })),
                    ("min", e.stats.min.map { .double($0) } ?? .null), ("max", e.stats.max.map { .double($0) } ?? .null),
                    ("mean", e.stats.mean.map { .double($0) } ?? .null),
                    ("nan_count", .int(e.stats.nanCount)), ("inf_count", .int(e.stats.infCount)),
                ]))
            })),
        ])
        try Files.write(Files.join(dir, "index.json"), json.serialized() + "\n")
    }
}

import OnnxModel
import OnnxRuntime

/// `onnx-explorer run`: headless execution with a line per node, breakpoints, comparison with a
/// reference, node export, and an optional dump of every intermediate as .npy plus index.json.
public struct RunReport {
    public struct Options {
        public var breakpoints: [Breakpoint] = []
        public var dumpDir: String?
        public var threads = 1
        /// Called with each node's text line as it completes (nil: no lines).
        public var lineSink: ((String) -> Void)?
        /// Expected values: every node output with a reference tensor of its name is compared.
        public var reference: ReferenceSet?
        /// An element differs when |a - e| > atol + rtol * |e| (the explorer's defaults).
        public var rtol = 1e-3
        public var atol = 1e-5
        /// Stop after the first node whose output differs from the reference (`--break-on diff`).
        public var breakOnDiff = false
        /// The same stop, reported as the first divergence (`--first-divergence`).
        public var firstDivergence = false
        /// Nodes (name or path) to write as backend test cases into a folder, at their first run.
        public var exports: [(node: String, directory: String)] = []
        public init() {}
    }

    /// The first node whose output differs from the reference.
    public struct Divergence {
        public var node: String
        public var opType: String
        /// The compared output (frame-qualified inside subgraphs) and its actual shape.
        public var diff: DiffSummary
        public var shape: [Int]
        /// The index of the largest error (nil when the values could not be compared).
        public var index: [Int]? { diff.worst.map { RunReport.multiIndex($0, shape) } }
    }

    public var outputs: [(name: String, value: Value?)] = []
    public var stop: Stop?
    public var error: RuntimeError?
    public var nodesExecuted = 0
    public var seconds = 0.0
    public var dumpedTensors = 0
    public var divergence: Divergence?
    /// Nodes with at least one output compared with the reference, and those that differed.
    public var comparedNodes = 0
    public var differingNodes = 0
    public var referencePath: String?
    /// Folders written by `exports`, and exports that did not happen (node not reached).
    public var exported: [(node: String, directory: String)] = []
    public var notExported: [String] = []

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `model` on `feeds`. Kernel errors end the run and are reported in `error`; only
    /// problems with the dump or export folders and a reference that matches nothing throw.
    public static func run(model: Model, feeds: [String: Value], options: Options) throws(Failure) -> RunReport {
        var report = RunReport()
        if let ref = options.reference {
            guard referenceMatches(ref, model) else {
                throw Failure(description: "\(ref.info.path): no reference tensor is named like an output of a node or of the graph of \(model.source.path)")
            }
            report.referencePath = ref.info.path
        }
        var iopts = Interpreter.Options()
        iopts.threads = options.threads
        iopts.keepIntermediates = options.dumpDir != nil || !options.exports.isEmpty
        let interp = Interpreter(model: model, options: iopts)
        interp.breakpoints = Set(options.breakpoints)
        let dump: RunDumper? = options.dumpDir.map { RunDumper(dir: $0) }
        if let dump {
            do { try Files.makeDirectory(dump.dir) } catch { throw Failure(description: "--dump-dir: \(error.description)") }
            for (name, v) in feeds.sorted(by: { $0.key < $1.key }) { dump.add(name: name, value: v, node: nil, opType: nil) }
        }
        let sink = options.lineSink
        let tracker = Tracker(options: options, model: model)
        if sink != nil || dump != nil || options.reference != nil || !options.exports.isEmpty {
            interp.observer = { [unowned interp] e in
                let diff = tracker.compare(e)
                if let sink {
                    var line = RunReport.line(e)
                    if let (d, shape) = diff, d.exceeds { line += "  <- " + RunReport.diffText(d, shape: shape) }
                    sink(line)
                }
                if let dump {
                    let prefix = e.frame.isEmpty ? "" : e.frame + "/"
                    for (k, v) in e.outputs.enumerated() where k < e.node.outputs.count && !e.node.outputs[k].isEmpty {
                        if let v { dump.add(name: prefix + e.node.outputs[k], value: v, node: e.path, opType: e.node.opType) }
                    }
                }
                tracker.export(e, interp)
            }
        }
        if options.breakOnDiff || options.firstDivergence, options.reference != nil {
            interp.stopCondition = { e in
                guard let d = tracker.divergence, d.node == e.path, tracker.stopPending else { return nil }
                tracker.stopPending = false
                let what = options.firstDivergence ? "first divergence" : "breakpoint diff"
                return "\(what): " + RunReport.diffText(d.diff, shape: d.shape)
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
        report.divergence = tracker.divergence
        report.comparedNodes = tracker.compared
        report.differingNodes = tracker.differing
        if let d = dump {
            if let e = d.failure { throw Failure(description: "--dump-dir: \(e)") }
            do { try d.writeIndex() } catch { throw Failure(description: "--dump-dir: \(error.description)") }
            report.dumpedTensors = d.entries.count
        }
        if let f = tracker.exportFailure { throw Failure(description: f) }
        report.exported = tracker.exported
        report.notExported = options.exports.filter { x in !tracker.exported.contains { $0.node == x.node && $0.directory == x.directory } }.map(\.node)
        return report
    }

    /// Whether some tensor of `ref` is named like a graph output or a main-graph node output.
    static func referenceMatches(_ ref: ReferenceSet, _ model: Model) -> Bool {
        if model.graph.outputs.contains(where: { ref.has($0.name) }) { return true }
        return model.graph.nodes.contains { n in n.outputs.contains { !$0.isEmpty && ref.has($0) } }
    }

    /// Whether `name` names a node: its name or `OpType_index` fallback in any graph, subgraph or
    /// function body, or a path whose last part does.
    public static func hasNode(_ name: String, in model: Model) -> Bool {
        var names = Set<String>()
        func walk(_ nodes: [Node]) {
            for (i, n) in nodes.enumerated() {
                names.insert(n.displayName(index: i))
                for a in n.attributes { for g in a.value.graphs { walk(g.nodes) } }
            }
        }
        walk(model.graph.nodes)
        for f in model.functions { walk(f.nodes) }
        if names.contains(name) { return true }
        if let last = name.split(separator: "/").last, name.contains("/") { return names.contains(String(last)) }
        return false
    }

    /// Declared types of every named value (graph inputs, outputs, value_info at every depth).
    static func declaredTypes(_ model: Model) -> [String: TypeInfo] {
        var out: [String: TypeInfo] = [:]
        func walk(_ g: Graph) {
            for v in g.inputs + g.outputs + g.valueInfo { if let t = v.type, out[v.name] == nil { out[v.name] = t } }
            for n in g.nodes { for a in n.attributes { for sg in a.value.graphs { walk(sg) } } }
        }
        walk(model.graph)
        return out
    }

    /// Reference comparison and node export state shared by the observer and the stop condition.
    final class Tracker {
        let options: Options
        let model: Model
        lazy var types = RunReport.declaredTypes(model)
        var divergence: Divergence?
        var stopPending = false
        var compared = 0
        var differing = 0
        var exported: [(node: String, directory: String)] = []
        var exportFailure: String?

        init(options: Options, model: Model) {
            self.options = options
            self.model = model
        }

        /// Compares the node's outputs with the reference; returns the worst (a differing one first).
        func compare(_ e: NodeEvent) -> (DiffSummary, [Int])? {
            guard let ref = options.reference else { return nil }
            var worst: DiffSummary?
            var worstShape: [Int] = []
            for (k, v) in e.outputs.enumerated() where k < e.node.outputs.count && !e.node.outputs[k].isEmpty {
                guard let v else { continue }
                let name = e.frame.isEmpty ? e.node.outputs[k] : e.frame + "/" + e.node.outputs[k]
                guard let expected = ref.value(for: name) else { continue }
                let d = ReferenceSet.diff(v, expected, name: name, rtol: options.rtol, atol: options.atol)
                if let w = worst, !(d.exceeds && !w.exceeds), !(d.exceeds == w.exceeds && d.maxAbs > w.maxAbs) { continue }
                worst = d
                worstShape = v.tensor?.shape ?? []
            }
            guard let worst else { return nil }
            compared += 1
            if worst.exceeds {
                differing += 1
                if divergence == nil {
                    divergence = Divergence(node: e.path, opType: e.node.qualifiedOpType, diff: worst, shape: worstShape)
                    stopPending = true
                }
            }
            return (worst, worstShape)
        }

        /// Writes the node as a test case when it is one of the exports not written yet.
        func export(_ e: NodeEvent, _ interp: Interpreter) {
            guard exportFailure == nil else { return }
            let last = e.path.split(separator: "/").last.map(String.init) ?? e.path
            for x in options.exports where x.node == e.path || x.node == last || (!e.node.name.isEmpty && x.node == e.node.name) {
                guard !exported.contains(where: { $0.node == x.node && $0.directory == x.directory }) else { continue }
                var inputs: [String: Value] = [:]
                for (k, name) in e.node.inputs.enumerated() where !name.isEmpty && k < e.inputs.count {
                    if let v = e.inputs[k] { inputs[name] = v }
                }
                for name in NodeExporter.outerNames(e.node) where inputs[name] == nil {
                    if let v = (try? interp.value(named: name)) ?? nil { inputs[name] = v }
                }
                var t: [String: TypeInfo] = [:]
                for name in e.node.inputs + e.node.outputs + NodeExporter.outerNames(e.node) where !name.isEmpty {
                    if let ty = types[name] { t[name] = ty }
                }
                let c = NodeCase(node: e.node, frame: e.frame, index: e.index, types: t)
                do {
                    _ = try NodeExporter.write(model: model, case: c, inputs: inputs, outputs: Array(e.outputs), directory: x.directory)
                    exported.append(x)
                } catch {
                    exportFailure = "--export-node \(x.node) \(x.directory): \(error.description)"
                }
            }
        }
    }

    /// `[0, 5]` from a flat index.
    static func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] { Shapes.multiIndex(flat, shape) }

    /// "output 'y' differs from the reference: max abs error 0.5, max rel error 0.25 at index
    /// [0, 2] (flat 2), 1 of 6 elements beyond tolerance".
    static func diffText(_ d: DiffSummary, shape: [Int]) -> String {
        if let m = d.mismatch { return "output '\(d.name)' cannot be compared with the reference: \(m)" }
        var text = "output '\(d.name)' differs from the reference: max abs error \(short(d.maxAbs)), max rel error \(short(d.maxRel))"
        if let w = d.worst { text += " at index [\(multiIndex(w, shape).map(String.init).joined(separator: ", "))] (flat \(w))" }
        return text + ", \(d.differing) of \(d.count) elements beyond tolerance"
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
        if let referencePath {
            var l = "reference \(referencePath): \(comparedNodes) node\(comparedNodes == 1 ? "" : "s") compared, \(differingNodes) differ"
            if let d = divergence { l += "; first divergence at node '\(d.node)' (\(d.opType)): " + RunReport.diffText(d.diff, shape: d.shape) }
            lines.append(l)
        }
        for x in exported { lines.append("exported node '\(x.node)' to \(x.directory): onnx-explorer test \(x.directory)") }
        for n in notExported { lines.append("not exported: node '\(n)' did not run") }
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
            ("reference", referencePath.map { p in
                .object([("path", .string(p)), ("compared_nodes", .int(comparedNodes)), ("differing_nodes", .int(differingNodes))])
            } ?? .null),
            ("divergence", divergence.map { d in
                .object([
                    ("node", .string(d.node)), ("op_type", .string(d.opType)), ("tensor", .string(d.diff.name)),
                    ("max_abs_error", .double(d.diff.maxAbs)), ("max_rel_error", .double(d.diff.maxRel)),
                    ("index", d.index.map { .array($0.map { .int($0) }) } ?? .null), ("flat_index", d.diff.worst.map { .int($0) } ?? .null),
                    ("differing", .int(d.diff.differing)), ("count", .int(d.diff.count)), ("mismatch", .optional(d.diff.mismatch)),
                ])
            } ?? .null),
            ("exported", .array(exported.map { .object([("node", .string($0.node)), ("path", .string($0.directory))]) })),
            ("not_exported", .array(notExported.map { .string($0) })),
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

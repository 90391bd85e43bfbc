import OnnxModel
import OnnxRuntime
import Reports
import TerminalUI

/// What a node did in the session (for nodes of subgraphs that run repeatedly: the latest run).
struct NodeRecord {
    var runs = 0
    var nanoseconds: UInt64 = 0
    var totalNanoseconds: UInt64 = 0
    /// Event path and frame of the latest run (`accumulate/body[iter 2]/loop/Add`).
    var path = ""
    var frame = ""
    var frameLabel = ""
    var outputs: [ValueSummary?] = []
    var diff: DiffSummary?
    var seq = 0
    var sawNaN = false
    var sawInf = false
    var sawDiff = false
    var failed: String?

    mutating func record(_ e: ExecutedNode, seq: Int) {
        runs += e.count
        nanoseconds = e.nanoseconds
        totalNanoseconds &+= e.totalNanoseconds
        path = e.site.path
        frame = e.site.frame
        frameLabel = e.frameLabel
        outputs = e.outputs
        diff = e.diff
        failed = nil
        self.seq = seq
        if e.anyNaN { sawNaN = true }
        if e.anyInf { sawInf = true }
        if e.anyDiff { sawDiff = true }
    }
}

/// The debugger's part of the state: the session, what ran, breakpoints, the reference.
public struct ExecState {
    enum Session { case none, starting, ready }
    var session = Session.none
    var finished = false
    /// Requests handed to the engine and not answered yet (all, and start/exec ones).
    var inFlight = 0
    var execInFlight = 0
    /// What the executing request does ("continue"), for the progress bar.
    var running: String?
    var elapsed: Double?
    var mainAtRunStart = 0
    /// Esc/C-c was pressed since the last execution request.
    var interrupted = false
    var startsInFlight = 0
    /// Commands typed while running that act on its results (run when it stops).
    var deferred: [Command] = []

    var config = InputConfig()
    var remember = true
    var inputsText: [String] = []

    var records: [NodeRef: NodeRecord] = [:]
    var seq = 0
    var nodesExecuted = 0
    /// Main-graph nodes completed (for the progress fraction).
    var mainDone = 0
    var next: NodeRef?
    var nextPath: String?
    var failedNode: NodeRef?

    var nodeBreakpoints: [NodeRef: String] = [:]
    var opBreakpoints: Set<String> = []
    /// `node:` specs typed at the prompt (names or paths such as `accumulate/body[iter 2]/loop/Add`),
    /// with the tree node each refers to when it resolves.
    var pathBreakpoints: [String: NodeRef?] = [:]
    var breakNaN = false
    var breakInf = false
    var magnitude: Double?
    var breakDiff = false

    var reference: ReferenceInfo?
    var rtol = 1e-3
    var atol = 1e-5
    var held = 0
    var budget = 0

    /// Frame path -> graph id (nil: unresolvable), and per graph: display name -> node index.
    var frameGraphs: [String: Int?] = [:]
    var lastFrame: (String, Int?)?
    var displayNames: [Int: [String: Int]] = [:]
    var valueCache: [ValueSpec: FetchedValue] = [:]

    public var isRunning: Bool { execInFlight > 0 }
    /// Whether a session exists or is being made (the title bar then shows its status).
    var active: Bool { session != .none || isRunning }

    var rules: StopRules {
        var b = Set<Breakpoint>()
        for n in nodeBreakpoints.values { b.insert(.node(n)) }
        for t in opBreakpoints { b.insert(.opType(t)) }
        for p in pathBreakpoints.keys { b.insert(.node(p)) }
        if breakNaN { b.insert(.nan) }
        if breakInf { b.insert(.inf) }
        if let m = magnitude { b.insert(.magnitudeAbove(m)) }
        return StopRules(breakpoints: b, diff: breakDiff)
    }

    var breakpointCount: Int {
        nodeBreakpoints.count + opBreakpoints.count + pathBreakpoints.count + (breakNaN ? 1 : 0) + (breakInf ? 1 : 0)
            + (magnitude != nil ? 1 : 0) + (breakDiff ? 1 : 0)
    }

    /// The value of input/output `k` of a node that ran.
    func valueSpec(_ index: ModelIndex, _ ref: NodeRef, output: Bool, _ k: Int) -> ValueSpec? {
        let n = index.node(ref)
        let names = output ? n.outputs : n.inputs
        guard k < names.count, !names[k].isEmpty, let r = records[ref], r.runs > 0 else { return nil }
        if case .main = index.kind(ref.graph) { return ValueSpec(name: names[k], isOutput: output, position: k, node: ref) }
        return ValueSpec(name: names[k], eventPath: r.path, frame: r.frame, isOutput: output, position: k, node: ref)
    }

    func hasBreakpoint(_ ref: NodeRef) -> Bool {
        nodeBreakpoints[ref] != nil || pathBreakpoints.values.contains { $0 == ref }
    }
}

/// The inputs dialog: a draft config edited row by row.
struct InputsDialog {
    enum Row: Equatable {
        case input(name: String, type: String)
        case dim(String)
        case seed
    }
    var draft: InputConfig
    var rows: [Row]
    var selected = 0
}

/// What an export prompt writes.
enum ExportTarget {
    case data(TensorData)
    case value(ValueSpec)
    case node(NodeCase)
}

extension Fmt {
    /// `[0, 5]` for a flat index into `shape`.
    static func index(_ flat: Int, _ shape: [Int]) -> String {
        "[" + Shapes.multiIndex(flat, shape).map(String.init).joined(separator: ", ") + "]"
    }

    /// `0.12 ms`, `1.3 s`, `850 ns`.
    static func duration(_ ns: UInt64) -> String {
        if ns < 1_000 { return "\(ns) ns" }
        if ns < 1_000_000 { return g(Double(ns) / 1e3, 3) + " µs" }
        if ns < 1_000_000_000 { return g(Double(ns) / 1e6, 3) + " ms" }
        return g(Double(ns) / 1e9, 3) + " s"
    }

    static func seconds(_ s: Double) -> String {
        s < 1 ? g(s * 1000, 3) + " ms" : (s < 60 ? g(s, 3) + " s" : "\(Int(s) / 60) min \(Int(s) % 60) s")
    }

    /// NaN/Inf part of a value summary: `1 NaN (first [0, 5])`.
    static func specials(_ v: ValueSummary) -> String? {
        var parts: [String] = []
        if v.nanCount > 0 { parts.append("\(grouped(v.nanCount)) NaN" + (v.firstNaN.map { " (first at \(index($0, v.shape ?? [])))" } ?? "")) }
        if v.infCount > 0 { parts.append("\(grouped(v.infCount)) Inf" + (v.firstInf.map { " (first at \(index($0, v.shape ?? [])))" } ?? "")) }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

extension AppState {
    // MARK: set-up

    /// Applies command-line debugging options: inputs (remembered, then `--input`/`--dim`/`--seed`),
    /// tolerances, breakpoints, the memory budget shown in the title bar.
    public mutating func configureDebugger(_ o: DebugOptions, remembered: InputConfig?, budget: Int) {
        if let r = remembered { exec.config = r }
        for (k, v) in o.inputFiles { exec.config.sources[k] = .file(v) }
        for (k, v) in o.dims { exec.config.dims[k] = v }
        if let s = o.seed { exec.config.seed = s }
        exec.rtol = o.rtol
        exec.atol = o.atol
        exec.budget = budget
        for b in o.breakOn {
            switch b {
            case .nan: exec.breakNaN = true
            case .inf: exec.breakInf = true
            case let .magnitudeAbove(v): exec.magnitude = v
            case let .opType(t): exec.opBreakpoints.insert(t)
            case let .node(n): exec.pathBreakpoints[n] = resolvePath(n)
            }
        }
        if let p = o.referencePath { request(.loadReference(p)) }
    }

    /// Takes the effects queued outside `update` (set-up).
    public mutating func takeEffects() -> [Effect] {
        let e = outbox
        outbox = []
        return e
    }

    // MARK: requests

    mutating func request(_ r: DebugRequest) {
        outbox.append(.debug(r))
        exec.inFlight += 1
        guard r.isExec else { return }
        exec.interrupted = false
        if exec.execInFlight == 0 { exec.mainAtRunStart = exec.mainDone }
        exec.execInFlight += 1
        if case .start = r { exec.startsInFlight += 1 }
        switch r {
        case let .exec(cmd, rules): exec.running = rules.diff && cmd == .continueRun ? "find divergence" : cmd.label
        default: if exec.running == nil { exec.running = "start" }
        }
    }

    mutating func interruptRun() {
        exec.interrupted = true
        outbox.append(.interrupt)
        message = Message(text: "interrupting " + (exec.running ?? "the run") + "...", isError: false)
    }

    /// Clears what the last session showed and starts a new one (interrupting a run in progress).
    mutating func restartSession() {
        if exec.isRunning { interruptRun() }
        exec.records = [:]
        exec.seq = 0
        exec.nodesExecuted = 0
        exec.mainDone = 0
        exec.next = nil
        exec.nextPath = nil
        exec.failedNode = nil
        exec.finished = false
        exec.valueCache = [:]
        exec.session = .starting
        request(.start(exec.config))
        refreshDetails(force: true)
    }

    mutating func ensureSession() {
        if exec.session == .none { restartSession() }
    }

    mutating func runExec(_ cmd: ExecCommand) {
        if exec.finished && exec.execInFlight == 0 {
            message = Message(text: "the run has finished: R restarts, r runs to the selected node", isError: false)
            return
        }
        ensureSession()
        request(.exec(cmd, exec.rules))
    }

    /// The name the interpreter matches a node by (its name, or OpType_index when unnamed).
    func matchName(_ ref: NodeRef) -> String {
        let n = index.node(ref)
        return n.name.isEmpty ? n.displayName(index: ref.node) : n.name
    }

    mutating func runToCursor() {
        guard case let .node(ref)? = selectedKind else {
            message = Message(text: "select a node to run to", isError: false)
            return
        }
        let inMain = ref.graph == 0
        if exec.session == .ready && exec.next == ref && inMain && exec.execInFlight == 0 {
            message = Message(text: "already stopped before \(matchName(ref))", isError: false)
            return
        }
        if exec.finished || (inMain && (exec.records[ref]?.runs ?? 0) > 0) { restartSession() }
        ensureSession()
        request(.exec(.runTo(matchName(ref)), exec.rules))
    }

    mutating func toggleBreakpoint() {
        guard case let .node(ref)? = selectedKind else {
            message = Message(text: "select a node to set a breakpoint on", isError: false)
            return
        }
        let name = matchName(ref)
        if exec.nodeBreakpoints.removeValue(forKey: ref) != nil {
            message = Message(text: "breakpoint on \(name) removed", isError: false)
        } else {
            exec.nodeBreakpoints[ref] = name
            message = Message(text: "breakpoint before \(name) (\(Fmt.plural(exec.breakpointCount, "breakpoint")); c continues to it)", isError: false)
        }
    }

    mutating func firstDivergence() {
        guard exec.reference != nil else {
            message = Message(text: "no reference loaded: L loads one (or start with --reference DIR)", isError: true)
            return
        }
        restartSession()
        var rules = exec.rules
        rules.diff = true
        request(.exec(.continueRun, rules))
    }

    var opTypes: [String] {
        var s = Set<String>()
        for g in index.graphs { for n in g.graph.nodes { s.insert(n.opType) } }
        for f in index.model.functions { for n in f.nodes { s.insert(n.opType) } }
        for n in index.model.graph.nodes { for a in n.attributes { for g in a.value.graphs { for m in g.nodes { s.insert(m.opType) } } } }
        return s.sorted()
    }

    func opCompletion(for text: String) -> String {
        let m = opTypes.filter { $0.hasPrefix(text) }
        if m.count == 1 { return m[0] }
        guard let first = m.first, let last = m.last else { return text }
        let a = Array(first), b = Array(last)
        var n = 0
        while n < a.count && n < b.count && a[n] == b[n] { n += 1 }
        return n > text.count ? String(a[..<n]) : text
    }

    // MARK: commands

    mutating func debugCommand(_ c: Command) {
        switch c {
        case .step: runExec(.step)
        case .stepInto: runExec(.stepInto)
        case .stepOut: runExec(.stepOut)
        case .continueRun: runExec(.continueRun)
        case .runToCursor: runToCursor()
        case .toggleBreakpoint: toggleBreakpoint()
        case .breakOnOp:
            breakMenu = false
            prompt = Prompt(kind: .breakpoint)
            updateCompletions()
        case .breakMenu: breakMenu = true
        case .restart:
            restartSession()
            message = Message(text: "restarting with the same inputs", isError: false)
            exec.interrupted = false
        case .inputs: openInputsDialog()
        case .exportTensor: beginExportTensor()
        case .exportNode: beginExportNode()
        case .firstDivergence: firstDivergence()
        case .loadReference: prompt = Prompt(kind: .reference, text: exec.reference?.path ?? "")
        case .provenance:
            if case .provenance = screen { back() } else {
                pushHistory()
                screen = .provenance
                auditOffset = 0
                if audit == nil && !auditRequested {
                    auditRequested = true
                    outbox.append(.audit)
                }
            }
        case .findSpecial: findSpecial()
        case .breakNaN:
            exec.breakNaN.toggle()
            message = Message(text: "break on NaN " + (exec.breakNaN ? "on" : "off"), isError: false)
        case .breakInf:
            exec.breakInf.toggle()
            message = Message(text: "break on infinity " + (exec.breakInf ? "on" : "off"), isError: false)
        case .breakMagnitude:
            prompt = Prompt(kind: .threshold, text: exec.magnitude.map { Fmt.g($0, 6) } ?? "")
        case .breakDiff:
            exec.breakDiff.toggle()
            message = Message(text: "break on a difference from the reference " + (exec.breakDiff ? "on" : "off") + (exec.reference == nil ? " (no reference loaded yet: L)" : ""), isError: false)
        case .clearBreakpoints:
            exec.nodeBreakpoints = [:]
            exec.opBreakpoints = []
            exec.pathBreakpoints = [:]
            exec.breakNaN = false
            exec.breakInf = false
            exec.magnitude = nil
            exec.breakDiff = false
            message = Message(text: "all breakpoints cleared", isError: false)
        default:
            break
        }
    }

    func debugPromptLabelText(_ k: Prompt.Kind) -> String { debugPromptLabel(k) }

    mutating func submitDebugPrompt(_ p: Prompt) {
        let text = p.text.trimmingSpaces
        switch p.kind {
        case .breakpoint:
            guard !text.isEmpty else { return }
            toggleSpec(text)
        case .threshold:
            if text.isEmpty {
                exec.magnitude = nil
                message = Message(text: "no |x| threshold", isError: false)
            } else if let v = Double(text), v >= 0 {
                exec.magnitude = v
                message = Message(text: "break when |x| > \(Fmt.g(v, 6))", isError: false)
            } else {
                message = Message(text: "'\(text)' is not a non-negative number", isError: true)
            }
        case .reference:
            guard !text.isEmpty else { return }
            request(.loadReference(text))
            message = Message(text: "loading reference \(text)...", isError: false)
        case .exportTensor:
            guard !text.isEmpty, let target = exportTarget else { return }
            switch target {
            case let .data(d): request(.exportData(d, path: text))
            case let .value(spec): request(.exportValue(spec, path: text))
            case .node: break
            }
            exportTarget = nil
        case .exportNode:
            guard !text.isEmpty, case let .node(c)? = exportTarget else { return }
            request(.exportNode(c, directory: text))
            exportTarget = nil
        case let .inputValue(row):
            editDialogValue(row, text)
        default:
            break
        }
    }

    /// Toggles a breakpoint from a spec typed at the `B` prompt.
    mutating func toggleSpec(_ text: String) {
        func say(_ what: String, _ on: Bool) {
            message = Message(text: "break " + what + (on ? " on" : " off") + " (\(Fmt.plural(exec.breakpointCount, "breakpoint")))", isError: false)
        }
        if text == "diff" {
            exec.breakDiff.toggle()
            say("on reference differences", exec.breakDiff)
            return
        }
        if let bp = Breakpoint(parsing: text) {
            switch bp {
            case .nan:
                exec.breakNaN.toggle()
                say("on NaN", exec.breakNaN)
            case .inf:
                exec.breakInf.toggle()
                say("on infinity", exec.breakInf)
            case let .magnitudeAbove(v):
                exec.magnitude = exec.magnitude == v ? nil : v
                say("when |x| > \(Fmt.g(v, 6))", exec.magnitude != nil)
            case let .opType(t):
                toggleOp(t)
            case let .node(n):
                if exec.pathBreakpoints.removeValue(forKey: n) != nil {
                    say("before node \(n)", false)
                } else {
                    exec.pathBreakpoints[n] = resolvePath(n)
                    say("before node \(n)", true)
                }
            }
            return
        }
        toggleOp(text)
    }

    mutating func toggleOp(_ t: String) {
        if exec.opBreakpoints.remove(t) != nil {
            message = Message(text: "breakpoint on op \(t) removed", isError: false)
        } else {
            exec.opBreakpoints.insert(t)
            let known = opTypes.contains(t)
            message = Message(text: "break before every \(t) node" + (known ? "" : " (no node of that type in the model)"), isError: !known)
        }
    }

    // MARK: resolving where nodes ran

    /// The graph id of a frame path (`accumulate/body[iter 2]`, `act1/ScaledLeakyRelu`).
    mutating func graphID(forFrame path: String) -> Int? {
        if path.isEmpty { return 0 }
        if let (p, g) = exec.lastFrame, p == path { return g }
        let g = resolveFrame(path)
        exec.lastFrame = (path, g)
        return g
    }

    mutating func resolveFrame(_ path: String) -> Int? {
        // Every iteration of a loop body is the same graph: memoise on the path without iterations.
        let key = staticPath(path)
        if let g = exec.frameGraphs[key] { return g }
        if exec.frameGraphs.count > 20_000 { exec.frameGraphs = [:] }
        var result: Int?
        if let slash = path.lastIndex(of: "/") {
            let label = String(path[path.index(after: slash)...])
            let owner = String(path[..<slash])
            // The owner is FRAME/NAME where NAME may itself contain '/': try each split.
            var candidates: [(String, String)] = [("", owner)]
            var i = owner.startIndex
            while let s = owner[i...].firstIndex(of: "/") {
                candidates.append((String(owner[..<s]), String(owner[owner.index(after: s)...])))
                i = owner.index(after: s)
            }
            for (frame, name) in candidates {
                guard let g = frame.isEmpty ? 0 : graphID(forFrame: frame), let n = nodeIndex(named: name, in: g) else { continue }
                if let r = subgraphFor(NodeRef(graph: g, node: n), label: label) {
                    result = r
                    break
                }
            }
        }
        exec.frameGraphs[key] = result
        return result
    }

    func subgraphFor(_ ref: NodeRef, label: String) -> Int? {
        let node = index.node(ref)
        if let f = index.calledFunction(node), index.model.functions[f].name == label { return index.functionGraphID(f) }
        let attr = label.firstIndex(of: "[").map { String(label[..<$0]) } ?? label
        guard node.attributes.contains(where: { $0.name == attr && !$0.value.graphs.isEmpty }) else { return nil }
        return index.subgraphID(parent: ref.graph, node: ref.node, attribute: attr, position: 0)
    }

    mutating func nodeIndex(named name: String, in g: Int) -> Int? {
        if exec.displayNames[g] == nil {
            var m: [String: Int] = [:]
            for (i, n) in index.graph(g).nodes.enumerated() where m[n.displayName(index: i)] == nil { m[n.displayName(index: i)] = i }
            exec.displayNames[g] = m
        }
        return exec.displayNames[g]?[name]
    }

    mutating func resolve(_ site: NodeSite) -> NodeRef? {
        guard let g = graphID(forFrame: site.frame), site.index >= 0, site.index < index.graph(g).nodes.count else { return nil }
        return NodeRef(graph: g, node: site.index)
    }

    /// A node path or name as typed (`accumulate/body[iter 2]/loop/Add`, `/features/Sqrt`).
    mutating func resolvePath(_ path: String) -> NodeRef? {
        if let n = nodeIndex(named: path, in: 0) { return NodeRef(graph: 0, node: n) }
        var i = path.startIndex
        while let s = path[i...].firstIndex(of: "/") {
            let frame = String(path[..<s]), name = String(path[path.index(after: s)...])
            if !frame.isEmpty, let g = graphID(forFrame: frame), let n = nodeIndex(named: name, in: g) { return NodeRef(graph: g, node: n) }
            i = path.index(after: s)
        }
        // A plain node name inside some subgraph.
        for g in 1..<index.graphs.count {
            if let n = index.graph(g).nodes.firstIndex(where: { $0.name == path }) { return NodeRef(graph: g, node: n) }
        }
        return nil
    }

    // MARK: results

    mutating func handle(_ e: DebugEvent) {
        switch e {
        case let .nodes(list):
            // Nodes of a run that a restart interrupted arrive before the new session starts.
            if exec.startsInFlight == 0 { recordNodes(list) }
        case let .audit(r):
            audit = r
            auditWidth = 0
            ensureAuditLines()
        case let .done(kind, outcome):
            exec.inFlight = max(0, exec.inFlight - 1)
            if kind == .start || kind == .exec {
                exec.execInFlight = max(0, exec.execInFlight - 1)
                if exec.execInFlight == 0 {
                    exec.running = nil
                    exec.elapsed = nil
                }
            }
            if kind == .start { exec.startsInFlight = max(0, exec.startsInFlight - 1) }
            handle(kind, outcome)
            if exec.execInFlight == 0 && !exec.deferred.isEmpty {
                let d = exec.deferred
                exec.deferred = []
                for c in d where !exec.interrupted { _ = perform(c) }
            }
        }
    }

    mutating func recordNodes(_ list: [ExecutedNode]) {
        let selected: NodeRef? = { if case let .node(r)? = selectedKind { return r }; return nil }()
        var touched = false
        for e in list {
            exec.nodesExecuted += e.count
            if e.site.depth == 0 { exec.mainDone += e.count }
            guard let ref = resolve(e.site) else { continue }
            exec.seq += 1
            exec.records[ref, default: NodeRecord()].record(e, seq: exec.seq)
            if ref == selected { touched = true }
        }
        if touched { refreshDetails(force: true) }
    }

    mutating func handle(_ kind: DebugRequestKind, _ outcome: DebugOutcome) {
        switch outcome {
        case let .started(inputs, held, next):
            exec.session = .ready
            exec.inputsText = inputs
            exec.held = held
            exec.next = next.flatMap { resolve($0) }
            exec.nextPath = next?.path
            if exec.interrupted {
                message = Message(text: "interrupted: the session started but nothing ran (s steps, c continues)", isError: false)
            } else if exec.execInFlight == 0 {
                message = Message(text: "session started: " + inputs.joined(separator: "; ") + " (s steps, c continues, i changes inputs)", isError: false)
            }
        case let .stopped(info):
            if exec.startsInFlight > 0 {
                message = Message(text: "interrupted; restarting", isError: false)
            } else {
                stopped(info)
            }
        case let .failed(text, nodePath):
            if kind == .start && exec.startsInFlight == 0 { exec.session = .none }
            if (kind == .exec && exec.startsInFlight == 0) || kind == .start, let p = nodePath, let ref = resolvePath(p) {
                exec.records[ref, default: NodeRecord()].failed = text
                exec.failedNode = ref
                exec.next = ref
                exec.nextPath = p
                followExecution(ref)
            }
            message = Message(text: text, isError: true)
        case .cancelled:
            if kind == .start && exec.startsInFlight == 0 && exec.session == .starting { exec.session = .none }
            if kind == .start || kind == .exec { message = Message(text: "interrupted", isError: false) }
            if kind == .fetch, case var .tensor(t) = screen, t.loading {
                t.loading = false
                t.error = "cancelled"
                screen = .tensor(t)
            }
        case let .fetched(spec, value):
            if let held = value.heldBytes { exec.held = held }
            if exec.valueCache.count > 32 { exec.valueCache = [:] }
            exec.valueCache[spec] = value
            if case var .tensor(t) = screen, t.ref == .runtime(spec) {
                fill(&t, value)
                screen = .tensor(t)
            }
        case let .exported(text):
            message = Message(text: text, isError: false)
        case let .referenceLoaded(info):
            exec.reference = info
            var text = "reference: \(Fmt.plural(info.count, "tensor")) (\(info.format)) from \(info.path)"
            if !info.inputFiles.isEmpty {
                for (name, file) in info.inputFiles { exec.config.sources[name] = .file(file) }
                text += "; inputs " + info.inputFiles.keys.sorted().joined(separator: ", ") + " taken from it"
                if exec.session != .none { text += " (R restarts with them)" }
            }
            message = Message(text: text, isError: false)
            refreshDetails(force: true)
        }
    }

    mutating func stopped(_ info: StopInfo) {
        exec.held = info.heldBytes
        exec.finished = info.kind == .finished
        exec.next = info.next.flatMap { resolve($0) }
        exec.nextPath = info.next?.path
        exec.valueCache = [:]
        let focusSite = info.afterNode ? info.completed : (info.next ?? info.completed)
        var focusRef: NodeRef?
        if let site = focusSite, let ref = resolve(site) {
            focusRef = ref
            if info.kind != .finished { followExecution(ref) }
        }
        message = Message(text: stopMessage(info, focus: focusRef), isError: info.kind == .breakpoint || info.kind == .condition)
        if case let .tensor(t) = screen, case let .runtime(spec) = t.ref {
            var nt = t
            nt.loading = true
            screen = .tensor(nt)
            request(.fetch(spec, referenceName: referenceName(for: spec)))
        }
        refreshDetails(force: true)
    }

    func nodeText(_ ref: NodeRef?, path: String?) -> String {
        guard let ref else { return path ?? "?" }
        let n = index.node(ref)
        return n.opType + " " + (path ?? n.displayName(index: ref.node))
    }

    func stopMessage(_ info: StopInfo, focus: NodeRef?) -> String {
        let completedText = nodeText(focus, path: info.completed?.path)
        switch info.kind {
        case .finished:
            var s = "finished: \(Fmt.plural(info.nodesExecuted, "node")) in \(Fmt.seconds(info.seconds))"
            let outs = info.outputs.map { o -> String in
                guard let v = o.summary else { return o.name + " not computed" }
                return o.name + " " + v.text + (Fmt.specials(v).map { " " + $0 } ?? "")
            }
            if !outs.isEmpty { s += "; " + outs.prefix(4).joined(separator: "; ") }
            return s
        case .stepped:
            guard info.completed != nil, let ref = focus, let r = exec.records[ref] else {
                return "entered " + (info.next.map { "\(nodeText(exec.next, path: $0.path))" } ?? "the body")
            }
            var s = "ran \(completedText) in \(Fmt.duration(r.nanoseconds))"
            if let o = r.outputs.first(where: { $0 != nil }) ?? nil { s += " \(glyphs.arrow) " + o.text }
            for (k, o) in r.outputs.enumerated() {
                if let o, let sp = Fmt.specials(o) { s += "; output \(k): " + sp }
            }
            if let d = r.diff, d.exceeds { s += "; differs from the reference" }
            return s
        case .breakpoint, .condition:
            let at = info.afterNode ? "after " + completedText : "before " + nodeText(exec.next, path: info.next?.path)
            return "stopped \(at): \(info.text)"
        case .reachedTarget:
            return "stopped before " + nodeText(exec.next, path: info.next?.path)
        case .frameExited:
            return "stepped out" + (info.next.map { "; next " + nodeText(exec.next, path: $0.path) } ?? "")
        case .interrupted:
            return "interrupted after \(Fmt.plural(info.nodesExecuted, "node"))" + (info.next.map { "; next " + nodeText(exec.next, path: $0.path) } ?? "")
        }
    }

    /// Moves the tree selection to `ref` (expanding what hides it) without leaving the screen.
    mutating func followExecution(_ ref: NodeRef) {
        guard let id = tree.reveal(.node(ref)), let r = tree.row(of: id) else { return }
        treeList.select(r, count: tree.count, height: layout.treeBody.height)
        let h = layout.treeBody.height
        if r < treeList.offset + 1 || r > treeList.offset + h - 2 {
            treeList.offset = max(0, min(r - h / 2, max(0, tree.count - h)))
        }
        refreshDetails()
    }

    // MARK: runtime tensors

    func referenceName(for spec: ValueSpec) -> String? {
        exec.reference == nil ? nil : spec.referenceName
    }

    func runtimeTitle(_ spec: ValueSpec) -> String {
        guard let ref = spec.node else { return "value " + spec.name }
        let n = index.node(ref)
        let which = (spec.isOutput ? "output " : "input ") + "\(spec.position)"
        return "\(n.opType) \(spec.eventPath ?? n.displayName(index: ref.node)) \(glyphs.dot) \(which) \(spec.name)"
    }

    /// `{` and `}` on the tensor view: the previous or next input/output of the same node.
    mutating func cycleValue(_ d: Int) {
        guard case let .tensor(t) = screen, case let .runtime(spec) = t.ref, let ref = spec.node else {
            message = Message(text: "{ and } step through the inputs and outputs of a node that ran", isError: false)
            return
        }
        let n = index.node(ref)
        let all = n.inputs.indices.map { (false, $0) } + n.outputs.indices.map { (true, $0) }
        let specs = all.compactMap { valueSpec(ref, output: $0.0, $0.1) }
        guard let i = specs.firstIndex(where: { $0.isOutput == spec.isOutput && $0.position == spec.position }), specs.count > 1 else { return }
        openTensor(.runtime(specs[((i + d) % specs.count + specs.count) % specs.count]))
    }

    /// The value of input/output `k` of a node that ran.
    func valueSpec(_ ref: NodeRef, output: Bool, _ k: Int) -> ValueSpec? { exec.valueSpec(index, ref, output: output, k) }

    /// A runtime value for the selected tree item: a node's first output, a graph input or output.
    func runtimeTensorForSelection() -> TensorRef? {
        switch selectedKind {
        case let .node(ref)?:
            guard let k = index.node(ref).outputs.firstIndex(where: { !$0.isEmpty }) else { return nil }
            return valueSpec(ref, output: true, k).map { .runtime($0) }
        case let .input(g, i)? where g == 0 && exec.session == .ready:
            return .runtime(ValueSpec(name: index.graph(0).inputs[i].name))
        case let .output(g, i)? where g == 0 && exec.session == .ready:
            return .runtime(ValueSpec(name: index.graph(0).outputs[i].name))
        default:
            return nil
        }
    }

    func fill(_ t: inout TensorViewState, _ f: FetchedValue) {
        t.loading = false
        t.note = f.note
        t.values = nil
        t.error = nil
        if let d = f.data {
            t.tensor = d
            let keep = (t.slice, t.rowOffset, t.colOffset, t.axis)
            decode(&t, d)
            if t.slice.count == keep.0.count, let v = t.values {
                t.slice = zip(keep.0, v.dims).map { min($0, max(0, $1 - 1)) }
                t.axis = keep.3
                t.rowOffset = keep.1
                t.colOffset = keep.2
            }
        } else {
            t.tensor = nil
            t.error = f.note ?? "no value"
        }
        t.reference = f.reference.flatMap { try? TensorValues($0) }
        t.diff = f.diff
        t.rtol = exec.rtol
        t.atol = exec.atol
    }

    /// `f` on the tensor view: show the first NaN, else the first infinity, else the element
    /// farthest from the reference.
    mutating func findSpecial() {
        guard case var .tensor(t) = screen, let v = t.values else { return }
        let target: Int
        let what: String
        if let i = t.firstNaN {
            target = i
            what = "first NaN"
        } else if let i = t.firstInf {
            target = i
            what = "first infinity"
        } else if let d = t.diff, d.exceeds, let i = d.worst {
            target = i
            what = "largest difference from the reference"
        } else {
            message = Message(text: "no NaN, infinity or difference from the reference here", isError: false)
            return
        }
        t.mark = target
        let g0 = TensorGrid(t, width: width, height: height)
        var row: Int, col: Int
        if g0.flat {
            row = target / max(1, g0.cols)
            col = 0
        } else {
            let rank = v.dims.count
            let cols = v.dims[rank - 1], rows = v.dims[rank - 2]
            let plane = max(1, rows * cols)
            var rest = target / plane
            for a in stride(from: rank - 3, through: 0, by: -1) where a < t.slice.count {
                t.slice[a] = rest % max(1, v.dims[a])
                rest /= max(1, v.dims[a])
            }
            row = (target % plane) / max(1, cols)
            col = target % max(1, cols)
        }
        let g = TensorGrid(t, width: width, height: height)
        t.rowOffset = max(0, min(max(0, g.rows - g.visibleRows), row - g.visibleRows / 2))
        if !g.flat { t.colOffset = max(0, min(max(0, g.cols - g.visibleCols), col - g.visibleCols / 2)) }
        screen = .tensor(t)
        message = Message(text: what + " at " + Fmt.index(target, v.dims) + " (flat \(target))", isError: false)
    }

    // MARK: exports

    mutating func beginExportTensor() {
        func target(_ ref: TensorRef) -> (ExportTarget, String)? {
            switch ref {
            case let .runtime(spec): return (.value(spec), spec.name)
            default:
                guard let d = index.tensor(ref) else { return nil }
                return (.data(d), d.name.isEmpty ? "tensor" : d.name)
            }
        }
        var found: (ExportTarget, String)?
        switch screen {
        case let .tensor(t):
            found = target(t.ref)
        case .main:
            if focus == .details, detailsList.selected < details.count, case let .tensor(ref)? = details[detailsList.selected].link {
                found = target(ref)
            } else if let ref = tensorForSelection() ?? runtimeTensorForSelection() {
                found = target(ref)
            }
        default:
            break
        }
        guard let (t, name) = found else {
            message = Message(text: "nothing to export here: select an initializer, a Constant or a node that ran (or open a tensor)", isError: false)
            return
        }
        exportTarget = t
        prompt = Prompt(kind: .exportTensor, text: ReferenceSet.safeName(name) + ".npy")
    }

    mutating func beginExportNode() {
        guard case let .node(ref)? = selectedKind else {
            message = Message(text: "select a node to export as a test case", isError: false)
            return
        }
        guard let r = exec.records[ref], r.runs > 0 else {
            message = Message(text: "run the node first (r runs to it, s steps), then x writes it with its values", isError: false)
            return
        }
        let n = index.node(ref)
        var types: [String: TypeInfo] = [:]
        for name in n.inputs + n.outputs + NodeExporter.outerNames(n) where !name.isEmpty {
            if let t = index.type(of: name, in: ref.graph) { types[name] = t }
        }
        var eventPath: String?
        if case .main = index.kind(ref.graph) {} else { eventPath = r.path }
        exportTarget = .node(NodeCase(node: n, eventPath: eventPath, frame: r.frame, index: ref.node, types: types))
        prompt = Prompt(kind: .exportNode, text: ReferenceSet.safeName(matchName(ref)) + "_case")
    }

    // MARK: inputs dialog

    mutating func openInputsDialog() {
        var rows: [InputsDialog.Row] = FeedBuilder.requiredInputs(index.model).map { .input(name: $0.name, type: Fmt.type($0.type)) }
        rows += FeedBuilder.symbolicDims(index.model).map { .dim($0) }
        rows.append(.seed)
        inputsDialog = InputsDialog(draft: exec.config, rows: rows)
    }

    mutating func dialogKey(_ k: Key) {
        guard var d = inputsDialog else { return }
        if k == .character("?") || k == .function(1) { helpOffset = 0; return }
        guard let c = keymap.action(for: k, in: [Context.inputs]) else { return }
        let row = d.selected < d.rows.count ? d.rows[d.selected] : .seed
        switch c {
        case .down: d.selected = min(d.rows.count - 1, d.selected + 1)
        case .up: d.selected = max(0, d.selected - 1)
        case .dialogNextKind, .dialogPrevKind:
            guard case let .input(name, _) = row else { break }
            let kinds: [InputSource] = [.standard, .uniform(low: 0, high: 1), .zeros, .ones, .file("")]
            let cur = d.draft.source(name)
            let i: Int
            switch cur {
            case .normal: i = 0
            case .uniform: i = 1
            case .zeros: i = 2
            case .ones: i = 3
            case .file: i = 4
            }
            let next = kinds[(i + (c == .dialogNextKind ? 1 : kinds.count - 1)) % kinds.count]
            d.draft.sources[name] = next
            inputsDialog = d
            if case .file = next { prompt = Prompt(kind: .inputValue(d.selected)) }
            return
        case .dialogEdit:
            switch row {
            case let .input(name, _):
                switch d.draft.source(name) {
                case let .normal(m, s): prompt = Prompt(kind: .inputValue(d.selected), text: "\(Fmt.g(m, 6)) \(Fmt.g(s, 6))")
                case let .uniform(l, h): prompt = Prompt(kind: .inputValue(d.selected), text: "\(Fmt.g(l, 6)) \(Fmt.g(h, 6))")
                case let .file(p): prompt = Prompt(kind: .inputValue(d.selected), text: p)
                case .zeros, .ones: message = Message(text: "nothing to edit: Space changes the kind", isError: false)
                }
            case let .dim(name): prompt = Prompt(kind: .inputValue(d.selected), text: String(d.draft.dim(name)))
            case .seed: prompt = Prompt(kind: .inputValue(d.selected), text: String(d.draft.seed))
            }
        case .dialogApply:
            for case let .input(name, _) in d.rows {
                if case .file("") = d.draft.source(name) {
                    message = Message(text: "input '\(name)': no file chosen (Enter edits the path)", isError: true)
                    inputsDialog = d
                    return
                }
            }
            exec.config = d.draft
            inputsDialog = nil
            if exec.remember { outbox.append(.saveInputs(d.draft)) }
            restartSession()
            message = Message(text: "inputs applied" + (exec.remember ? " and remembered for this model" : "") + "; session restarted", isError: false)
            return
        case .escape:
            inputsDialog = nil
            return
        default:
            break
        }
        inputsDialog = d
    }

    mutating func editDialogValue(_ rowIndex: Int, _ text: String) {
        guard var d = inputsDialog, rowIndex < d.rows.count else { return }
        let nums = text.split(separator: " ", omittingEmptySubsequences: true).compactMap { Double($0) }
        switch d.rows[rowIndex] {
        case let .input(name, _):
            switch d.draft.source(name) {
            case .normal:
                guard nums.count == 2, nums[1] >= 0 else { message = Message(text: "expected MEAN STD, e.g. 0 1", isError: true); return }
                d.draft.sources[name] = .normal(mean: nums[0], std: nums[1])
            case .uniform:
                guard nums.count == 2, nums[0] < nums[1] else { message = Message(text: "expected LOW HIGH with LOW < HIGH, e.g. -1 1", isError: true); return }
                d.draft.sources[name] = .uniform(low: nums[0], high: nums[1])
            case .file:
                d.draft.sources[name] = .file(text)
            case .zeros, .ones:
                break
            }
        case let .dim(name):
            guard let v = Int(text), v >= 0 else { message = Message(text: "a dim is a non-negative integer", isError: true); return }
            d.draft.dims[name] = v
        case .seed:
            guard let v = UInt64(text) else { message = Message(text: "the seed is a non-negative integer", isError: true); return }
            d.draft.seed = v
        }
        inputsDialog = d
    }

    // MARK: breakpoints menu

    mutating func breakMenuKey(_ k: Key) {
        if k == .character("?") || k == .function(1) { helpOffset = 0; return }
        guard let c = keymap.action(for: k, in: [Context.breakpoints]) else { return }
        switch c {
        case .escape: breakMenu = false
        default: debugCommand(c)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

func debugPromptLabel(_ k: Prompt.Kind) -> String {
    switch k {
    case .breakpoint: return "break on: "
    case .threshold: return "break when |x| > "
    case .exportTensor: return "write to (.npy or .pb): "
    case .exportNode: return "write test case to folder: "
    case .reference: return "reference folder: "
    case .inputValue: return "value: "
    default: return ""
    }
}

func debugPromptHint(_ k: Prompt.Kind) -> String {
    switch k {
    case .threshold: return "a number; empty clears"
    case .exportTensor: return "the extension picks the format"
    case .exportNode: return "model.onnx + test_data_set_0/*.pb; run with onnx-explorer test"
    case .reference: return "test_data_set_N, a folder of NAME.npy, or a --dump-dir"
    case .inputValue: return "file path, MEAN STD, LOW HIGH, a dim or the seed"
    default: return ""
    }
}

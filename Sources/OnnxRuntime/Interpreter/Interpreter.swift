#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import Synchronization

/// Executes a model node by node. One session at a time: `start(feeds:)`, then `step()`,
/// `run(until:)` or `runToEnd()`; `run(_:)` does all of it. Subgraphs (If/Loop/Scan bodies) and
/// model-local functions run as child frames of the same scheduler, so stepping, breakpoints and
/// the observer see every node with its path (`Loop_3/body[iter 2]/Add_1`).
///
/// Not thread-safe: use an interpreter from one thread at a time. `interrupt()` may be called
/// from any thread.
public final class Interpreter {
    public struct Options: Sendable {
        /// Keep every intermediate value (under `memoryBudget`) so it can be inspected after the
        /// node that made it. Off: values are released after their last use (still recomputable).
        public var keepIntermediates = true
        /// Bytes of intermediates to hold before evicting dead ones (they are recomputed on demand).
        public var memoryBudget = Interpreter.defaultMemoryBudget
        /// Threads for kernels (OpenBLAS).
        public var threads = 1
        public var registry = OpRegistry.standard
        /// Reuse the outputs of nodes that depend only on initializers (computed on the first run).
        public var foldConstants = true
        /// Run a Conv and the activation nodes after it (Relu, Clip, HardSwish, Sigmoid+Mul) in one
        /// pass (see Fusion); each node still completes with its own outputs and event.
        public var fuse = true
        /// While keeping intermediates, drop values that are cheap to recompute from held ones (an
        /// activation, a residual Add, a depthwise convolution: see GraphPlan.recomputable) and at
        /// least `droppedSize` bytes after their last use instead of holding them to the end:
        /// viewing one recomputes it in a few passes at most, while holding it cost the run about
        /// as much in memory traffic (its buffer could not be reused while still in cache).
        public var dropRecomputable = true
        public init() {}
    }

    /// Recomputable values (GraphPlan.recomputable) of at least this many bytes are dropped after
    /// their last use in runs that keep intermediates; smaller ones stay in cache anyway.
    static let droppedSize = 64 * 1024

    /// A quarter of physical memory.
    public static var defaultMemoryBudget: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 1 << 30 }
        return pages * size / 4
    }

    public let model: Model
    public let options: Options
    let root: GraphPlan

    /// Called after every node (including nodes inside subgraphs and functions).
    public var observer: ((NodeEvent) -> Void)? {
        didSet {
            // A replaced observer may be the one running now (it set this): keep it until the next start.
            if let old = observerHolder { retiredObservers.append(old) }
            observerHolder = observer.map(ObserverBox.init)
            observerRef = observerHolder.map { Unmanaged.passUnretained($0) }
        }
    }
    /// The observer in a box this interpreter holds, called through an unretained reference:
    /// reading the closure property for every node copied it (a retain and a release per event).
    private var observerHolder: ObserverBox?
    private var retiredObservers: [ObserverBox] = []
    var observerRef: Unmanaged<ObserverBox>?
    /// Set by `run(_:)`, which makes no stops: without an observer, nodes then skip timing
    /// themselves and building their events (a tenth of the cost of a tiny node).
    var quiet = false
    var wantsEvents: Bool { observerRef != nil || !quiet }
    /// False when the observer only looks at nodes, times, shapes and summaries (a profiler, the
    /// debugger without a reference): a fused Conv's output that the run would not hold then
    /// stays uncomputed, its events carrying a DeferredValue; without keeping intermediates, a
    /// SiLU group's Sigmoid output is not made either, its events carrying the group's final
    /// output, which has the same shape, in its place.
    public var observerReadsValues = true
    /// Breakpoints checked by `run(until:)` and `step()`.
    public var breakpoints: Set<Breakpoint> = []
    /// An extra condition checked after every node: return a reason to stop there
    /// (e.g. "output differs from the reference").
    public var stopCondition: ((NodeEvent) -> String?)?

    public private(set) var nodesExecuted = 0
    /// Conv+activation groups that ran as one call this run (see Fusion).
    public internal(set) var fusedGroupsRun = 0
    /// Bytes of intermediate values currently held.
    public internal(set) var heldBytes = 0
    /// True once the main graph has produced its outputs.
    public private(set) var isFinished = false
    public private(set) var isStarted = false

    var frames: [Frame] = []
    /// Dead intermediates that may be evicted, oldest first. The frames are unretained: every
    /// entry's frame is on `frames` (a finishing frame drops its entries, `start` all of them),
    /// and retaining a frame per kept value cost two atomic operations per node.
    var evictionQueue: [(frame: Unmanaged<Frame>, slot: Int)] = []
    var evictionHead = 0
    /// The innermost frame when the current `run(until:)` started (for `.frameExit`).
    var startFrame: ObjectIdentifier?
    /// Where the last before-node stop happened (that node runs first when execution resumes).
    var pausedAt: (frame: ObjectIdentifier, pc: Int)?
    let interruptFlag = InterruptFlag()

    /// Compiles the model's main graph (and its subgraphs and function calls). Unknown ops and
    /// bad attributes do not fail here: they fail when their node is reached.
    public init(model: Model, options: Options = Options()) {
        self.model = model
        self.options = options
        var opsets: [String: Int] = [:]
        for o in model.opsetImports { opsets[OpsetImport.canonicalDomain(o.domain)] = Int(o.version) }
        if model.opsetImports.isEmpty { opsets[""] = 1 }
        var functions: [String: Function] = [:]
        for f in model.functions { functions[GraphPlan.functionKey(domain: f.domain, name: f.name, overload: f.overload)] = f }
        let env = GraphPlan.Environment(model: model, registry: options.registry, opsets: opsets, functions: functions,
                                        threads: options.threads, depth: 0)
        root = GraphPlan(graph: model.graph, env: env)
    }

    // MARK: - Session

    /// Resets the session and binds the graph inputs. Inputs with an initializer of the same name
    /// may be omitted (the initializer is the default).
    public func start(feeds: [String: Value]) throws(RuntimeError) {
        frames = []
        retiredObservers = []
        // Kept capacity: a run that keeps intermediates refills it (growing it anew cost a run
        // of a 20-node graph six allocations).
        if evictionQueue.capacity > 1 << 16 { evictionQueue = [] } else { evictionQueue.removeAll(keepingCapacity: true) }
        evictionHead = 0
        heldBytes = 0
        nodesExecuted = 0
        fusedGroupsRun = 0
        isFinished = false
        isStarted = false
        pausedAt = nil
        _ = interruptFlag.take()
        BLAS.setThreads(options.threads)
        Parallel.setThreads(options.threads)
        let frame = Frame(plan: root, parent: nil, path: "", owner: nil)
        for name in feeds.keys where !root.inputNames.contains(name) {
            throw RuntimeError(.invalidFeed, "the model has no input named '\(name)' (inputs: \(root.inputInfos.map(\.name).joined(separator: ", ")))")
        }
        for (k, info) in root.inputInfos.enumerated() {
            let s = root.inputSlots[k]
            if let v = feeds[info.name] {
                if root.initializerInputsFixed && root.initializers[s] != nil {
                    throw RuntimeError(.invalidFeed, "input '\(info.name)' is a weight: in IR version \(model.irVersion) models, initializers listed as inputs cannot be fed")
                }
                try Interpreter.checkFeed(v, info)
                frame.values[s] = v
                frame.status[s] = .feed
            } else if root.initializers[s] != nil {
                continue
            } else if case .optional? = info.type?.kind {
                frame.values[s] = .optional(nil)
                frame.status[s] = .feed
            } else {
                throw RuntimeError(.invalidFeed, "missing input '\(info.name)' (\(info.type?.text ?? "?"))")
            }
        }
        frames = [frame]
        isStarted = true
        if root.nodes.isEmpty { _ = try finishFrame() }
    }

    /// Runs the whole model and returns its outputs by name, ignoring breakpoints.
    public func run(_ feeds: [String: Value]) throws(RuntimeError) -> [String: Value] {
        try start(feeds: feeds)
        let saved = breakpoints, savedCondition = stopCondition
        breakpoints = []
        stopCondition = nil
        quiet = true
        defer { breakpoints = saved; stopCondition = savedCondition; quiet = false }
        let stop = try run(until: .end)
        if case .interrupted = stop.reason { throw RuntimeError(.interrupted, "interrupted") }
        var out: [String: Value] = [:]
        for (name, v) in outputs { if let v { out[name] = v } }
        return out
    }

    /// The main graph's outputs in order (values are nil until the run has finished).
    public var outputs: [(name: String, value: Value?)] {
        guard isFinished, let f = frames.first else { return root.outputNames.map { ($0, nil) } }
        return zip(root.outputNames, root.outputRefs).map { name, ref in (name, try? lookup(ref, in: f)) }
    }

    /// Asks a running `run(until:)` to stop before the next node (thread-safe).
    public func interrupt() { interruptFlag.set() }

    /// A handle other threads can use to interrupt this interpreter.
    public var interruptHandle: InterruptFlag { interruptFlag }

    // MARK: - Where we are

    /// The node the next step executes (innermost frame), nil when finished or not started.
    public var nextNode: NodeLocation? {
        guard isStarted, !isFinished, let f = frames.last, f.pc < f.plan.nodes.count else { return nil }
        let np = f.plan.nodes[f.pc]
        return NodeLocation(path: f.nodePath(np), node: np.node, index: np.index, depth: frames.count - 1)
    }

    /// Paths of the active frames, outermost first ("" is the main graph).
    public var framePaths: [String] { frames.map(\.path) }

    // MARK: - Stepping

    /// Executes the next node. With `into`, a control-flow node or function call is entered
    /// (stops before the first node of its body) instead of run to completion.
    public func step(into: Bool = false) throws(RuntimeError) -> Stop {
        guard isStarted else { throw RuntimeError(.invalidFeed, "call start(feeds:) before step()") }
        if isFinished { return Stop(reason: .finished) }
        guard let f = frames.last else { return Stop(reason: .finished) }
        if f.pc >= f.plan.nodes.count {
            // A finished frame: complete it (this completes the owner node, or starts its next iteration).
            let e = try finishFrame()
            try finishRootIfDone()
            return Stop(reason: isFinished ? .finished : .stepped, event: e, location: nextNode)
        }
        let np = f.plan.nodes[f.pc]
        switch np.action {
        case .control, .function:
            if into {
                pausedAt = nil
                let e = try execute(np, in: f)
                try finishRootIfDone()
                return Stop(reason: .stepped, event: e, location: nextNode)
            }
            return try run(until: .completion(ObjectIdentifier(f), f.pc))
        default:
            return try run(until: .completion(ObjectIdentifier(f), f.pc))
        }
    }

    /// Runs until the target, a breakpoint, a condition, an interrupt or the end.
    public func run(until target: RunTarget = .end) throws(RuntimeError) -> Stop {
        guard isStarted else { throw RuntimeError(.invalidFeed, "call start(feeds:) before run(until:)") }
        let startDepth = frames.count
        startFrame = frames.last.map { ObjectIdentifier($0) }
        while true {
            if isFinished { return Stop(reason: .finished) }
            if interruptFlag.take() { return pause(Stop(reason: .interrupted, location: nextNode)) }
            guard let f = frames.last else { return Stop(reason: .finished) }
            if f.pc >= f.plan.nodes.count {
                let event = try finishFrame()
                try finishRootIfDone()
                if let stop = check(event: event, target: target, startDepth: startDepth) { return stop }
                continue
            }
            let np = f.plan.nodes[f.pc]
            // Node breakpoints and targets stop before the node, except when resuming from a stop there.
            let resuming = pausedAt.map { $0.frame == ObjectIdentifier(f) && $0.pc == f.pc } ?? false
            if !resuming {
                if case let .node(name) = target, Interpreter.matches(name, np, path: f.nodePath(np)) {
                    return pause(Stop(reason: .reachedTarget, location: nextNode))
                }
                if let bp = beforeBreakpoint(np, in: f) {
                    return pause(Stop(reason: .breakpoint(bp), location: nextNode))
                }
            }
            pausedAt = nil
            if options.fuse, let fu = np.fusion, canFuse(fu, in: f, target: target),
               case let .ran(stop) = try executeFused(np, fu, in: f, target: target, startDepth: startDepth) {
                if let stop { return stop }
                continue
            }
            let event = try execute(np, in: f)
            try finishRootIfDone()
            if let stop = check(event: event, target: target, startDepth: startDepth) { return stop }
        }
    }

    /// Remembers a before-node stop so the next run or step starts by executing that node.
    func pause(_ s: Stop) -> Stop {
        if let f = frames.last { pausedAt = (ObjectIdentifier(f), f.pc) }
        return s
    }

    /// The main graph's outputs are collected as soon as its last node has run.
    func finishRootIfDone() throws(RuntimeError) {
        if frames.count == 1, let f = frames.first, f.pc >= f.plan.nodes.count, !isFinished { _ = try finishFrame() }
    }

    /// Stop checks after a node completed (or a frame was entered/left).
    func check(event: NodeEvent?, target: RunTarget, startDepth: Int) -> Stop? {
        // Checked only when something could match: binding the event copies it (a retain per field).
        if !breakpoints.isEmpty || stopCondition != nil, let event {
            if let (bp, detail) = afterBreakpoint(event) { return Stop(reason: .breakpoint(bp), event: event, detail: detail) }
            if let cond = stopCondition, let why = cond(event) { return Stop(reason: .condition(why), event: event, detail: why) }
        }
        if isFinished { return Stop(reason: .finished, event: event) }
        switch target {
        case .end, .node: return nil
        case .frameExit:
            if let id = startFrame, !frames.contains(where: { ObjectIdentifier($0) == id }) {
                return Stop(reason: .frameExited, event: event, location: nextNode)
            }
        case let .completion(id, pc):
            // The node at (frame, pc) completed when that frame has moved past it or is gone.
            if let f = frames.first(where: { ObjectIdentifier($0) == id }) {
                if f.pc > pc { return Stop(reason: .stepped, event: event, location: nextNode) }
            } else {
                return Stop(reason: .stepped, event: event, location: nextNode)
            }
        }
        return nil
    }

    // MARK: - Breakpoints

    static func matches(_ name: String, _ np: NodePlan, path: String) -> Bool {
        name == np.node.name || name == path || (np.node.name.isEmpty && name == np.displayName)
    }

    func beforeBreakpoint(_ np: NodePlan, in f: Frame) -> Breakpoint? {
        guard !breakpoints.isEmpty else { return nil }
        // The path is joined only when a node breakpoint needs it: in a Loop body, joining it for
        // every node of every iteration was a visible part of a plain run.
        var path: String?
        for bp in breakpoints {
            switch bp {
            case let .node(n):
                if path == nil { path = f.nodePath(np) }
                if Interpreter.matches(n, np, path: path!) { return bp }
            case let .opType(t) where t == np.node.opType || t == np.node.qualifiedOpType: return bp
            default: continue
            }
        }
        return nil
    }

    func afterBreakpoint(_ e: NodeEvent) -> (Breakpoint, String)? {
        guard !breakpoints.isEmpty else { return nil }
        var wantNaN = false, wantInf = false
        var threshold: Double?
        for bp in breakpoints {
            switch bp {
            case .nan: wantNaN = true
            case .inf: wantInf = true
            case let .magnitudeAbove(t): threshold = min(threshold ?? t, t)
            default: break
            }
        }
        guard wantNaN || wantInf || threshold != nil else { return nil }
        for (k, v) in e.outputs.enumerated() {
            guard let v else { continue }
            let name = k < e.node.outputs.count ? e.node.outputs[k] : "#\(k)"
            for t in v.tensors where t.dtype.isFloatingPoint {
                // The full statistics only where they can matter: a threshold, or a NaN/infinity
                // the vectorised scan found.
                if threshold == nil && !t.hasNonFinite { continue }
                let s = TensorStats(t)
                if wantNaN, let i = s.firstNaN {
                    return (.nan, "output '\(name)' has \(s.nanCount) NaN value\(s.nanCount == 1 ? "" : "s"), the first at index \(Interpreter.indexText(i, t.shape))")
                }
                if wantInf, let i = s.firstInf {
                    return (.inf, "output '\(name)' has \(s.infCount) infinite value\(s.infCount == 1 ? "" : "s"), the first at index \(Interpreter.indexText(i, t.shape))")
                }
                if let th = threshold, let m = s.maxAbs, m > th {
                    return (.magnitudeAbove(th), "output '\(name)' has |x| = \(m) > \(th)")
                }
            }
        }
        return nil
    }

    /// "[0, 5] (flat 5)".
    static func indexText(_ flat: Int, _ shape: [Int]) -> String {
        "[" + Shapes.multiIndex(flat, shape).map(String.init).joined(separator: ", ") + "] (flat \(flat))"
    }

    // MARK: - Execution

    /// Executes (or begins) one node. Returns the completed event, or nil when a child frame was entered.
    func execute(_ np: NodePlan, in f: Frame) throws(RuntimeError) -> NodeEvent? {
        func fail(_ e: Error) -> RuntimeError { kernelFailure(e, np, path: f.nodePath(np)) }
        let inputs = try gatherInputs(np, in: f)
        let t0 = wantsEvents ? Interpreter.now() : 0
        switch np.action {
        case let .failure(e):
            var e = e
            e.nodePath = f.nodePath(np)
            throw e
        case let .kernel(k):
            let outs: [Value]
            if np.foldable, options.foldConstants, let kept = np.folded {
                outs = kept
            } else {
                do { outs = try k.run(inputs, np.context) } catch { throw fail(error) }
                if np.foldable && options.foldConstants { np.folded = outs }
            }
            return try complete(np, in: f, inputs: inputs, outputs: outs, start: t0)
        case let .control(c):
            let act: any ControlFlowActivation
            let step: ControlFlowStep
            do {
                act = try c.begin(inputs, np.context)
                step = try act.next(nil)
            } catch { throw fail(error) }
            return try follow(step, np: np, in: f, activation: act, inputs: inputs, start: t0)
        case let .function(body, name):
            let path = f.nodePath(np)
            let child = Frame(plan: body, parent: f, path: path + "/" + name, label: name, owner: Frame.Owner(node: np, activation: nil, inputs: inputs, start: t0))
            guard inputs.count <= body.inputSlots.count else {
                throw RuntimeError(.invalidArgument, "function \(name) takes \(body.inputSlots.count) inputs, the call passes \(inputs.count)", nodePath: path, opType: np.node.qualifiedOpType)
            }
            // Inputs the call leaves out (trailing optional ones) are absent in the body.
            for (k, s) in body.inputSlots.enumerated() {
                child.values[s] = k < inputs.count ? inputs[k] : nil
                child.status[s] = .feed
            }
            frames.append(child)
            return nil
        }
    }

    /// A kernel's error as a RuntimeError naming the node.
    func kernelFailure(_ e: Error, _ np: NodePlan, path: String) -> RuntimeError {
        if let k = e as? KernelError {
            return RuntimeError(k.kind == .unsupported ? .unsupported : .invalidArgument, k.message, nodePath: path, opType: np.node.qualifiedOpType)
        }
        if var r = e as? RuntimeError {
            if r.nodePath == nil { r.nodePath = path; r.opType = np.node.qualifiedOpType }
            return r
        }
        return RuntimeError(.invalidArgument, "\(e)", nodePath: path, opType: np.node.qualifiedOpType)
    }

    /// A node's input values; an error names the input that could not be read.
    func gatherInputs(_ np: NodePlan, in f: Frame) throws(RuntimeError) -> [Value?] {
        var inputs: [Value?] = []
        inputs.reserveCapacity(np.inputs.count)
        for (k, ref) in np.inputs.enumerated() {
            do {
                inputs.append(try lookup(ref, in: f))
            } catch {
                throw RuntimeError(error.kind, "input \(k) ('\(np.node.inputs[k])'): \(error.message)", nodePath: f.nodePath(np), opType: np.node.qualifiedOpType)
            }
        }
        return inputs
    }

    /// Acts on a control-flow step: enter a subgraph frame, or complete the node.
    func follow(_ step: ControlFlowStep, np: NodePlan, in f: Frame, activation: any ControlFlowActivation,
                inputs: [Value?], start: UInt64) throws(RuntimeError) -> NodeEvent? {
        let path = f.nodePath(np)
        switch step {
        case let .finish(outs):
            return try complete(np, in: f, inputs: inputs, outputs: outs, start: start)
        case let .run(name, subInputs, label):
            guard let plan = np.subgraphs[name] else {
                throw RuntimeError(.invalidModel, "attribute '\(name)' is not a graph", nodePath: path, opType: np.node.qualifiedOpType)
            }
            guard subInputs.count == plan.inputSlots.count else {
                throw RuntimeError(.invalidModel, "subgraph '\(name)' declares \(plan.inputSlots.count) inputs, the op passes \(subInputs.count)", nodePath: path, opType: np.node.qualifiedOpType)
            }
            let child = Frame(plan: plan, parent: f, path: path + "/" + label, label: label, owner: Frame.Owner(node: np, activation: activation, inputs: inputs, start: start))
            for (k, v) in subInputs.enumerated() {
                child.values[plan.inputSlots[k]] = v
                child.status[plan.inputSlots[k]] = .feed
            }
            frames.append(child)
            return nil
        }
    }

    /// Pops the innermost (finished) frame and hands its outputs to its owner. Returns the owner's
    /// completion event when the owner node finished.
    func finishFrame() throws(RuntimeError) -> NodeEvent? {
        guard let f = frames.last else { return nil }
        guard let owner = f.owner, let parent = f.parent else {
            // The main graph is done.
            for (k, ref) in root.outputRefs.enumerated() {
                do { _ = try lookup(ref, in: f) } catch {
                    throw RuntimeError(error.kind, "graph output '\(root.outputNames[k])': \(error.message)")
                }
            }
            isFinished = true
            return nil
        }
        var outs: [Value] = []
        for (k, ref) in f.plan.outputRefs.enumerated() {
            do throws(RuntimeError) {
                guard let v = try lookup(ref, in: f) else { throw RuntimeError(.invalidModel, "is absent") }
                outs.append(v)
            } catch {
                throw RuntimeError(error.kind, "\(f.path): output '\(f.plan.outputNames[k])': \(error.message)", nodePath: parent.nodePath(owner.node), opType: owner.node.node.qualifiedOpType)
            }
        }
        release(f)
        frames.removeLast()
        if let act = owner.activation {
            let step: ControlFlowStep
            do { step = try act.next(outs) } catch {
                if let k = error as? KernelError {
                    throw RuntimeError(k.kind == .unsupported ? .unsupported : .invalidArgument, k.message, nodePath: parent.nodePath(owner.node), opType: owner.node.node.qualifiedOpType)
                }
                throw RuntimeError(.invalidArgument, "\(error)", nodePath: parent.nodePath(owner.node), opType: owner.node.node.qualifiedOpType)
            }
            return try follow(step, np: owner.node, in: parent, activation: act, inputs: owner.inputs, start: owner.start)
        }
        return try complete(owner.node, in: parent, inputs: owner.inputs, outputs: outs, start: owner.start)
    }

    /// Stores a node's outputs, releases inputs past their last use, reports the event.
    /// Returns nil (no event is built) in a quiet run without an observer. The arrays are
    /// consumed: the event takes them over without a retain each. A deferred output (Fusion: not
    /// computed) leaves its slot evicted, to be recomputed when viewed; `outs` holds a stand-in
    /// of its shape at its position, which the event hides behind it, as for a deferred input.
    func complete(_ np: NodePlan, in f: Frame, inputs: consuming [Value?], outputs outs: consuming [Value], start: UInt64,
                  deferredOutput: DeferredValue? = nil, deferredInput: DeferredValue? = nil, at inputPosition: Int = -1) throws(RuntimeError) -> NodeEvent? {
        for (k, s) in np.outputs.enumerated() where s >= 0 {
            guard k < outs.count else {
                throw RuntimeError(.invalidArgument, "produced \(outs.count) output\(outs.count == 1 ? "" : "s"), the node declares \(np.outputs.count)", nodePath: f.nodePath(np), opType: np.node.qualifiedOpType)
            }
            if f.status[s] == .held { heldBytes -= f.bytes[s] }
            if let d = deferredOutput, d.position == k {
                f.values[s] = nil
                f.status[s] = .evicted
                f.bytes[s] = 0
                continue
            }
            let v = outs[k]
            f.values[s] = v
            f.status[s] = .held
            let b = v.byteCount
            f.bytes[s] = b
            heldBytes += b
        }
        let events = wantsEvents
        let t1 = events ? Interpreter.now() : 0
        nodesExecuted += 1
        f.pc += 1
        // Release inputs whose last reader this was.
        for case let .local(s) in np.inputs { f.consume(s, self) }
        for s in np.implicitInputs { f.consume(s, self) }
        // Outputs nobody reads are dead at once.
        for s in np.outputs where s >= 0 && f.remaining[s] == 0 { f.markDead(s, self) }
        if heldBytes > options.memoryBudget { evict() }
        guard events else { return nil }
        let event = NodeEvent(names: f.names, nodeBox: np.nodeBox, index: np.index, depth: frames.count - 1,
                              inputs: NodeInputs(inputs, deferred: deferredInput, at: inputPosition),
                              outputs: NodeOutputs(outs, count: np.outputs.count, deferred: deferredOutput), ticks: t1 &- start)
        if let o = observerRef { o._withUnsafeGuaranteedRef { $0.call(event) } }
        return event
    }

    // MARK: - Values

    /// A value by name, visible from the innermost frame (its graph, then enclosing graphs).
    /// Evicted intermediates are recomputed; values not computed yet give nil.
    public func value(named name: String) throws(RuntimeError) -> Value? {
        var f = frames.last
        while let fr = f {
            if let s = fr.plan.slotOf[name] {
                if fr.status[s] == .empty && fr.plan.initializers[s] == nil { return nil }
                return try fr.get(s, self)
            }
            f = fr.parent
        }
        return nil
    }

    /// Node outputs held in memory that are not outputs of their graph, as "frame path/name"
    /// ("name" in the main graph). Empty after a run without `keepIntermediates`.
    public var heldIntermediateNames: [String] {
        var names: [String] = []
        for f in frames {
            for s in 0..<f.status.count where f.status[s] == .held && !f.plan.isOutput[s] {
                names.append(f.path.isEmpty ? f.plan.slotNames[s] : f.path + "/" + f.plan.slotNames[s])
            }
        }
        return names
    }

    /// What the interpreter holds for a name (innermost frame first).
    public func state(of name: String) -> ValueState {
        var f = frames.last
        while let fr = f {
            if let s = fr.plan.slotOf[name] {
                switch fr.status[s] {
                case .held: return .held(bytes: fr.bytes[s])
                case .feed: return .input
                case .evicted: return .evicted
                case .empty: return fr.plan.initializers[s] != nil ? .initializer : .notComputed
                case .initializer: return .initializer
                }
            }
            f = fr.parent
        }
        return .unknown
    }

    func lookup(_ ref: SlotRef, in f: Frame) throws(RuntimeError) -> Value? {
        switch ref {
        case .absent: return nil
        case let .local(s): return try f.get(s, self)
        case let .outer(name):
            var p = f.parent
            while let fr = p {
                if let s = fr.plan.slotOf[name] { return try fr.get(s, self) }
                p = fr.parent
            }
            throw RuntimeError(.invalidModel, "'\(name)' is not defined in this graph or any enclosing graph")
        }
    }

    /// Re-runs the node that produced an evicted slot.
    func recompute(_ s: Int, in f: Frame) throws(RuntimeError) -> Value {
        guard let p = f.plan.producer[s] else { throw RuntimeError(.invalidModel, "'\(f.plan.slotNames[s])' has no producer to recompute it") }
        let np = f.plan.nodes[p]
        guard case let .kernel(k) = np.action else {
            throw RuntimeError(.invalidModel, "'\(f.plan.slotNames[s])' was freed after its last use and cannot be recomputed (keep intermediates to inspect it)")
        }
        var inputs: [Value?] = []
        for ref in np.inputs { inputs.append(try lookup(ref, in: f)) }
        let outs: [Value]
        do { outs = try k.run(inputs, np.context) } catch {
            throw RuntimeError(.invalidArgument, "recomputing: \(error)", nodePath: f.nodePath(np), opType: np.node.qualifiedOpType)
        }
        var result: Value?
        for (k, slot) in np.outputs.enumerated() where slot >= 0 && k < outs.count {
            if slot == s { result = outs[k] }
            if f.status[slot] == .evicted {
                f.values[slot] = outs[k]
                f.status[slot] = .held
                f.bytes[slot] = outs[k].byteCount
                heldBytes += f.bytes[slot]
                evictionQueue.append((Unmanaged.passUnretained(f), slot))
                f.queued += 1
            }
        }
        guard let result else { throw RuntimeError(.invalidModel, "recomputing '\(f.plan.slotNames[s])' gave no value") }
        return result
    }

    /// Evicts dead intermediates, oldest first, until under budget.
    func evict() {
        while heldBytes > options.memoryBudget && evictionHead < evictionQueue.count {
            let (f, s) = evictionQueue[evictionHead]
            evictionHead += 1
            f._withUnsafeGuaranteedRef {
                $0.queued -= 1
                $0.evict(s, self)
            }
        }
        if evictionHead > 4096 && evictionHead * 2 > evictionQueue.count {
            evictionQueue.removeFirst(evictionHead)
            evictionHead = 0
        }
    }

    /// Drops a finished child frame's values and its eviction-queue entries (they are the queue's
    /// tail: entries of deeper frames went when those frames finished), so a long loop does not
    /// keep every iteration's frame and values alive until the end of the run.
    func release(_ f: Frame) {
        let id = Unmanaged.passUnretained(f).toOpaque()
        var cut = evictionQueue.count
        while cut > evictionHead && evictionQueue[cut - 1].frame.toOpaque() == id { cut -= 1 }
        f.queued -= evictionQueue.count - cut
        if cut < evictionQueue.count { evictionQueue.removeSubrange(cut...) }
        if f.queued > 0 {
            // An enclosing frame's value recomputed while this one ran queued after its entries.
            let live = evictionQueue[evictionHead...].filter { $0.frame.toOpaque() != id }
            evictionQueue.replaceSubrange(evictionHead..., with: live)
            f.queued = 0
        }
        for s in 0..<f.status.count where f.status[s] == .held {
            heldBytes -= f.bytes[s]
            f.bytes[s] = 0
            f.values[s] = nil
            f.status[s] = .evicted
        }
    }

    /// A time stamp in ticks (`Ticks`); events convert differences to nanoseconds.
    @inline(__always)
    static func now() -> UInt64 { Ticks.now() }

    // MARK: - Feeds

    static func checkFeed(_ v: Value, _ info: ValueInfo) throws(RuntimeError) {
        guard let type = info.type else { return }
        switch (type.kind, v) {
        case let (.tensor(elem, shape), .tensor(t)):
            if elem != 0, elem != t.dtype.rawValue {
                throw RuntimeError(.invalidFeed, "input '\(info.name)' must be \(DataType.name(code: elem)), got \(t.dtype.name)")
            }
            if let shape {
                guard shape.dims.count == t.rank else {
                    throw RuntimeError(.invalidFeed, "input '\(info.name)' must have shape \(shape.text), got \(shapeText(t.shape))")
                }
                for (d, dim) in shape.dims.enumerated() {
                    if case let .value(n) = dim.value, n >= 0, Int(n) != t.shape[d] {
                        throw RuntimeError(.invalidFeed, "input '\(info.name)' must have shape \(shape.text), got \(shapeText(t.shape))")
                    }
                }
            }
        case (.tensor, _):
            throw RuntimeError(.invalidFeed, "input '\(info.name)' must be a tensor, got a \(v.kindText)")
        default:
            return
        }
    }
}

// MARK: - Frames

/// One activation of a graph: the main graph, a subgraph iteration or a function call.
final class Frame {
    enum Status: UInt8 { case empty, feed, held, evicted, initializer }

    struct Owner {
        let node: NodePlan
        let activation: (any ControlFlowActivation)?
        let inputs: [Value?]
        let start: UInt64
    }

    let plan: GraphPlan
    let parent: Frame?
    /// The frame's path and label, one object that every event of the frame shares.
    let names: FrameNames
    /// Prefix of node paths in this frame ("" for the main graph).
    var path: String { names.path }
    /// The last path component: "body[iter 2]", "then_branch", a function name ("" for the main graph).
    var label: String { names.label }
    let owner: Owner?
    var values: [Value?]
    var status: [Status]
    var bytes: [Int]
    var remaining: [Int]
    var pc = 0
    /// Entries of this frame in the interpreter's eviction queue not yet taken.
    var queued = 0

    init(plan: GraphPlan, parent: Frame?, path: String, label: String = "", owner: Owner?) {
        self.plan = plan
        self.parent = parent
        names = FrameNames(path: path, label: label, boxes: plan.nodeBoxes)
        self.owner = owner
        values = [Value?](repeating: nil, count: plan.slotNames.count)
        status = [Status](repeating: .empty, count: plan.slotNames.count)
        bytes = [Int](repeating: 0, count: plan.slotNames.count)
        remaining = plan.useCount
    }

    @inline(__always)
    func nodePath(_ np: NodePlan) -> String { path.isEmpty ? np.displayName : path + "/" + np.displayName }

    func get(_ s: Int, _ interp: Interpreter) throws(RuntimeError) -> Value? {
        if let v = values[s] { return v }
        switch status[s] {
        case .evicted:
            return try interp.recompute(s, in: self)
        case .empty, .initializer:
            if let src = plan.initializers[s] {
                let t: Tensor
                if let cached = plan.initializerCache[s] {
                    t = cached
                } else {
                    do {
                        switch src {
                        case let .dense(d): t = try Tensor(data: d)
                        case let .sparse(sp): t = try Tensor.densify(sp)
                        }
                    } catch {
                        throw RuntimeError(.invalidModel, "initializer '\(plan.slotNames[s])': \(error.message)")
                    }
                    plan.initializerCache[s] = t
                }
                values[s] = .tensor(t)
                status[s] = .initializer
                return values[s]
            }
            throw RuntimeError(.invalidModel, "'\(plan.slotNames[s])' has no value (no input, initializer or earlier node provides it)")
        case .feed, .held:
            return nil
        }
    }

    /// One read of slot `s` is done.
    func consume(_ s: Int, _ interp: Interpreter) {
        remaining[s] -= 1
        if remaining[s] == 0 && !plan.isOutput[s] && status[s] == .held { markDead(s, interp) }
    }

    /// No node needs slot `s` any more: free it now, or queue it for eviction when keeping intermediates.
    func markDead(_ s: Int, _ interp: Interpreter) {
        guard !plan.isOutput[s], status[s] == .held else { return }
        if interp.options.keepIntermediates && !(interp.options.dropRecomputable && plan.recomputable[s] && bytes[s] >= Interpreter.droppedSize) {
            interp.evictionQueue.append((Unmanaged.passUnretained(self), s))
            queued += 1
        } else {
            evict(s, interp)
        }
    }

    func evict(_ s: Int, _ interp: Interpreter) {
        guard status[s] == .held, remaining[s] <= 0, !plan.isOutput[s] else { return }
        // Only outputs of plain kernels can be recomputed, so only they are evicted while keeping
        // intermediates; a plain run frees control-flow and function outputs too.
        if interp.options.keepIntermediates {
            guard let p = plan.producer[s], case .kernel = plan.nodes[p].action else { return }
        }
        interp.heldBytes -= bytes[s]
        bytes[s] = 0
        values[s] = nil
        status[s] = .evicted
    }
}

// MARK: - Public types

/// Where to run to.
public enum RunTarget: Sendable {
    /// The end of the main graph.
    case end
    /// Stop before the node with this name or path.
    case node(String)
    /// Stop when the current frame (subgraph iteration, function body) is left.
    case frameExit
    /// Internal: stop when the node at (frame, pc) has completed.
    case completion(ObjectIdentifier, Int)
}

/// A breakpoint. Node and op-type breakpoints stop before the node runs; NaN, Inf and
/// magnitude breakpoints stop after the node whose output has such a value.
public enum Breakpoint: Hashable, Sendable {
    case node(String)
    case opType(String)
    case nan
    case inf
    case magnitudeAbove(Double)

    /// Parses `nan`, `inf`, `node:NAME`, `op:TYPE`, `abs>X`.
    public init?(parsing s: String) {
        if s == "nan" { self = .nan } else if s == "inf" { self = .inf } else if s.hasPrefix("node:") {
            self = .node(String(s.dropFirst(5)))
        } else if s.hasPrefix("op:") {
            self = .opType(String(s.dropFirst(3)))
        } else if s.hasPrefix("abs>"), let v = Double(s.dropFirst(4)) {
            self = .magnitudeAbove(v)
        } else {
            return nil
        }
    }

    public var text: String {
        switch self {
        case let .node(n): return "node:\(n)"
        case let .opType(t): return "op:\(t)"
        case .nan: return "nan"
        case .inf: return "inf"
        case let .magnitudeAbove(v): return "abs>\(v)"
        }
    }
}

/// A node's position: its path, the node, its index in its graph's node list and frame depth.
public struct NodeLocation: Sendable {
    public let path: String
    public let node: Node
    public let index: Int
    public let depth: Int
}

/// The observer closure behind one reference.
final class ObserverBox {
    let call: (NodeEvent) -> Void
    init(_ call: @escaping (NodeEvent) -> Void) { self.call = call }
}

/// A frame's path (`Loop_3/body[iter 2]`, "" for the main graph) and its last component.
final class FrameNames: Sendable {
    let path: String
    let label: String
    /// The frame's graph's node boxes: an event holds its frame's names, so its node box (one of
    /// these) stays alive with it without a retain of its own.
    let boxes: [NodeBox]
    init(path: String, label: String, boxes: [NodeBox]) {
        self.path = path
        self.label = label
        self.boxes = boxes
    }
}

/// What the observer sees after each node.
public struct NodeEvent: Sendable {
    /// `Loop_3/body[iter 2]/Add_1`; the node name (or OpType_index) in the main graph. Built when
    /// asked for: inside a Loop body, joining it for every event cost more than the rest of the event.
    public var path: String { frame.isEmpty ? nodeBox.displayName : frame + "/" + nodeBox.displayName }
    /// The frame's names, shared by all its events (one reference to copy instead of two strings).
    let names: FrameNames
    /// Path of the frame the node ran in (`Loop_3/body[iter 2]`; "" for the main graph).
    public var frame: String { names.path }
    /// The frame's own label (`body[iter 2]`, `then_branch`, a function name; "" for the main graph).
    public var frameLabel: String { names.label }
    /// The node, shared with the plan: an event copies one reference, not the node's fields.
    /// Unretained: `names.boxes` holds it for as long as the event holds `names`.
    unowned(unsafe) let nodeBox: NodeBox
    public var node: Node { nodeBox.node }
    /// Index in its graph's node list.
    public let index: Int
    /// 0 for the main graph.
    public let depth: Int
    public let inputs: NodeInputs
    /// Aligned with `node.outputs` (nil for unused optional outputs the kernel did not make).
    public let outputs: NodeOutputs
    /// The node's duration in clock ticks, converted when asked for.
    let ticks: UInt64
    public var nanoseconds: UInt64 { Ticks.nanoseconds(ticks) }
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// Why `run(until:)` or `step()` returned.
public struct Stop: Sendable {
    public enum Reason: Sendable, Equatable {
        case finished
        case stepped
        case breakpoint(Breakpoint)
        case condition(String)
        case reachedTarget
        case frameExited
        case interrupted
    }
    public let reason: Reason
    /// The node that just completed (after-node stops), if any.
    public let event: NodeEvent?
    /// The node that runs next (before-node stops).
    public let location: NodeLocation?
    /// Extra detail ("output 'y' has 3 NaN values, the first at index [0, 5] (flat 5)").
    public let detail: String?

    init(reason: Reason, event: NodeEvent? = nil, location: NodeLocation? = nil, detail: String? = nil) {
        self.reason = reason
        self.event = event
        self.location = location
        self.detail = detail
    }

    /// The node the stop concerns: the completed one for after-node stops, else the next one.
    public var nodePath: String? {
        switch reason {
        case .breakpoint(.nan), .breakpoint(.inf), .breakpoint(.magnitudeAbove), .condition: return event?.path ?? location?.path
        default: return location?.path ?? event?.path
        }
    }
    public var node: Node? {
        switch reason {
        case .breakpoint(.nan), .breakpoint(.inf), .breakpoint(.magnitudeAbove), .condition: return event?.node ?? location?.node
        default: return location?.node ?? event?.node
        }
    }
}

/// What the interpreter holds for a value name.
public enum ValueState: Sendable, Equatable {
    case unknown
    case notComputed
    case input
    case initializer
    case held(bytes: Int)
    case evicted
}

/// A thread-safe flag used to interrupt a run from another thread.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func set() { flag.store(true, ordering: .releasing) }
    /// Reads and clears the flag.
    public func take() -> Bool { flag.exchange(false, ordering: .acquiringAndReleasing) }
}

#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import OnnxRuntime
import Reports

/// Options of a debugging session (from the command line).
public struct DebugOptions: Sendable {
    /// Bytes of intermediates to keep; nil: the interpreter's default (a quarter of RAM).
    public var keepBudget: Int?
    public var threads = 1
    /// Tolerance for reference comparison: differs when |a - e| > atol + rtol * |e|.
    public var rtol = 1e-3
    public var atol = 1e-5
    /// A reference folder to load at start.
    public var referencePath: String?
    /// Inputs given on the command line (override the remembered ones).
    public var inputFiles: [String: String] = [:]
    public var dims: [String: Int] = [:]
    public var seed: UInt64?
    /// Breakpoints set at start (`--break-on`).
    public var breakOn: [Breakpoint] = []
    /// Where inputs are remembered; nil: `InputStore.defaultStateDirectory()`; "" disables.
    public var stateDirectory: String?
    /// Wait for each request to finish before reading the next key (headless scripts).
    public var settle = false
    /// Report every node as taking 1 µs and every run as taking 1 ms (reproducible snapshots).
    public var reproducibleTimes = false

    public init() {}
}

/// Runs the interpreter on a worker thread so the UI keeps handling keys. Requests queue up and
/// run one at a time in order; their results (and the nodes completed meanwhile, in batches)
/// are collected for the run loop, which turns them into `Action.debug` for `update`.
///
/// The interpreter and everything below "worker state" is touched only by the worker thread;
/// the queue and outbox are shared under a mutex.
public final class DebugEngine: @unchecked Sendable {
    struct Shared {
        var queue: [DebugRequest] = []
        var outbox: [DebugEvent] = []
        var workerActive = false
        /// An exec request is executing (interrupts go to the interpreter).
        var running = false
        var runStart: UInt64 = 0
        var interruptFlag: InterruptFlag?
        var background = 0
    }

    private let shared = Locked(Shared())
    public let model: Model
    public let options: DebugOptions
    let budget: Int

    // Worker state.
    private var interp: Interpreter?
    private var reference: ReferenceSet? {
        // Diffs read every output's values; without them, fused Conv outputs may stay uncomputed.
        didSet { interp?.observerReadsValues = reference != nil }
    }
    private var captures = CaptureStore()
    private var lastDiff: (path: String, diff: DiffSummary?)?
    /// Completions not yet sent; runs of the same node in one batch (loop iterations) are folded.
    private var batch: [ExecutedNode] = []
    private var batchSlot: [CaptureStore.Key: Int] = [:]
    /// Why the last start failed (runs queued behind it report it too).
    private var startError: String?
    private var lastFlush: UInt64 = 0

    public init(model: Model, options: DebugOptions = DebugOptions()) {
        self.model = model
        self.options = options
        budget = options.keepBudget ?? Interpreter.defaultMemoryBudget
        captures.limit = max(64 << 20, budget / 4)
    }

    // MARK: - UI side

    /// Queues requests (they run in order on the worker thread).
    public func submit(_ requests: [DebugRequest]) {
        guard !requests.isEmpty else { return }
        let spawn = shared.withLock { s -> Bool in
            s.queue.append(contentsOf: requests)
            if s.workerActive { return false }
            s.workerActive = true
            return true
        }
        if spawn { spawnThread { [self] in workerLoop() } }
    }

    /// Stops the executing request before its next node and drops queued runs.
    public func interrupt() {
        shared.withLock { s in
            if s.running { s.interruptFlag?.set() }
            var kept: [DebugRequest] = []
            for r in s.queue {
                if r.isExec { s.outbox.append(.done(DebugRequestKind(r), .cancelled)) } else { kept.append(r) }
            }
            s.queue = kept
        }
    }

    /// Everything that arrived since the last call, in order.
    public func drain() -> [DebugEvent] {
        shared.withLock { s in
            let out = s.outbox
            s.outbox = []
            return out
        }
    }

    /// Nothing queued, running or waiting to be drained.
    public var isIdle: Bool {
        shared.withLock { $0.queue.isEmpty && !$0.workerActive && $0.outbox.isEmpty && $0.background == 0 }
    }

    /// Seconds the executing request has run, nil when none is executing.
    public var runElapsed: Double? {
        shared.withLock { s in s.running ? Double(DebugEngine.now() &- s.runStart) / 1e9 : nil }
    }

    /// Computes the audit report for the provenance screen on a thread of its own.
    public func computeAudit() {
        shared.withLock { $0.background += 1 }
        let m = model
        spawnThread { [self] in
            let report = AuditReport(model: m, options: .init(supportsOp: { domain, op, opset in
                OpRegistry.standard.canRun(domain: domain, opType: op, opset: Int(opset))
            }))
            shared.withLock { s in
                s.outbox.append(.audit(report))
                s.background -= 1
            }
        }
    }

    /// Blocks until idle apart from undrained results (headless scripts and the end of input).
    public func waitUntilSettled() {
        while true {
            let busy = shared.withLock { !$0.queue.isEmpty || $0.workerActive || $0.background > 0 }
            if !busy { return }
            usleep(1000)
        }
    }

    // MARK: - Worker

    private func workerLoop() {
        while true {
            let job: DebugRequest? = shared.withLock { s in
                guard !s.queue.isEmpty else {
                    s.workerActive = false
                    return nil
                }
                let j = s.queue.removeFirst()
                if j.isExec {
                    s.running = true
                    s.runStart = DebugEngine.now()
                    _ = s.interruptFlag?.take()
                }
                return j
            }
            guard let job else { return }
            let outcome = execute(job)
            flush(force: true)
            shared.withLock { s in
                s.running = false
                s.outbox.append(.done(DebugRequestKind(job), outcome))
            }
        }
    }

    private func execute(_ job: DebugRequest) -> DebugOutcome {
        switch job {
        case let .start(config): return start(config)
        case let .exec(cmd, rules): return exec(cmd, rules)
        case let .fetch(spec, ref): return fetch(spec, referenceName: ref)
        case let .exportValue(spec, path): return exportValue(spec, path: path)
        case let .exportData(data, path): return exportData(data, path: path)
        case let .exportNode(c, dir): return exportNode(c, directory: dir)
        case let .loadReference(path):
            do {
                let r = try ReferenceSet.load(path: path, model: model)
                reference = r
                return .referenceLoaded(r.info)
            } catch {
                return .failed("reference: \(error.description)", nodePath: nil)
            }
        }
    }

    private func interpreter() -> Interpreter {
        if let interp { return interp }
        var o = Interpreter.Options()
        o.keepIntermediates = true
        o.memoryBudget = budget
        o.threads = options.threads
        let i = Interpreter(model: model, options: o)
        i.observer = { [unowned self] e in self.observe(e) }
        i.observerReadsValues = reference != nil
        interp = i
        let flag = i.interruptHandle
        shared.withLock { s in
            s.interruptFlag = flag
            _ = flag.take()
        }
        return i
    }

    private func start(_ config: InputConfig) -> DebugOutcome {
        let built: (feeds: [String: Value], descriptions: [String])
        do { built = try FeedBuilder.feeds(model: model, config: config) } catch {
            startError = error.description
            return .failed(error.description, nodePath: nil)
        }
        let i = interpreter()
        captures.removeAll()
        lastDiff = nil
        do { try i.start(feeds: built.feeds) } catch {
            startError = error.description
            return .failed(error.description, nodePath: error.nodePath)
        }
        startError = nil
        return .started(inputs: built.descriptions, heldBytes: i.heldBytes + captures.bytes, next: i.nextNode.map(DebugEngine.site))
    }

    private func exec(_ cmd: ExecCommand, _ rules: StopRules) -> DebugOutcome {
        guard let i = interp, i.isStarted, startError == nil else { return .failed(startError ?? "the session has not started", nodePath: nil) }
        i.breakpoints = rules.breakpoints
        if rules.diff && reference != nil {
            i.stopCondition = { [unowned self] e in self.diffStop(e) }
        } else {
            i.stopCondition = nil
        }
        let t0 = DebugEngine.now()
        do {
            let stop: Stop
            switch cmd {
            case .step: stop = try i.step()
            case .stepInto: stop = try i.step(into: true)
            case .stepOut: stop = try i.run(until: .frameExit)
            case .continueRun: stop = try i.run(until: .end)
            case let .runTo(name): stop = try i.run(until: .node(name))
            }
            return .stopped(info(stop, seconds: options.reproducibleTimes ? 0.001 : Double(DebugEngine.now() &- t0) / 1e9))
        } catch {
            return .failed(error.description, nodePath: error.nodePath)
        }
    }

    static func site(_ l: NodeLocation) -> NodeSite {
        let name = l.node.displayName(index: l.index)
        var frame = ""
        if l.depth > 0, l.path.hasSuffix("/" + name) { frame = String(l.path.dropLast(name.count + 1)) }
        return NodeSite(path: l.path, frame: frame, index: l.index, depth: l.depth)
    }

    static func site(_ e: NodeEvent) -> NodeSite {
        NodeSite(path: e.path, frame: e.frame, index: e.index, depth: e.depth)
    }

    private func info(_ stop: Stop, seconds: Double) -> StopInfo {
        let i = interp!
        let kind: StopInfo.Kind
        var after = false
        var text: String
        switch stop.reason {
        case .finished:
            kind = .finished
            text = "finished"
        case .stepped:
            kind = .stepped
            after = stop.event != nil
            text = "stepped"
        case let .breakpoint(b):
            kind = .breakpoint
            switch b {
            case .node, .opType: text = "breakpoint \(b.text)"
            default:
                after = true
                text = "breakpoint \(b.text)" + (stop.detail.map { ": " + $0 } ?? "")
            }
        case let .condition(why):
            kind = .condition
            after = true
            text = why
        case .reachedTarget:
            kind = .reachedTarget
            text = "reached"
        case .frameExited:
            kind = .frameExited
            after = stop.event != nil
            text = "stepped out"
        case .interrupted:
            kind = .interrupted
            text = "interrupted"
        }
        var s = StopInfo(kind: kind, text: text, afterNode: after, completed: stop.event.map(DebugEngine.site),
                         next: (stop.location ?? i.nextNode).map(DebugEngine.site), nodesExecuted: i.nodesExecuted,
                         heldBytes: i.heldBytes + captures.bytes, seconds: seconds)
        if i.isFinished { s.outputs = i.outputs.map { ($0.name, $0.value.map { ValueSummary($0, range: true) }) } }
        return s
    }

    private func observe(_ e: NodeEvent) {
        var diff: DiffSummary?
        if let ref = reference {
            defer { lastDiff = (e.path, diff) }
            for (k, v) in e.outputs.enumerated() where k < e.node.outputs.count && !e.node.outputs[k].isEmpty {
                guard let v else { continue }
                let name = e.frame.isEmpty ? e.node.outputs[k] : e.frame + "/" + e.node.outputs[k]
                guard let expected = ref.value(for: name) else { continue }
                let d = ReferenceSet.diff(v, expected, name: name, rtol: options.rtol, atol: options.atol)
                if diff == nil || (d.exceeds && !(diff!.exceeds)) || (d.exceeds == diff!.exceeds && d.maxAbs > diff!.maxAbs) { diff = d }
            }
        }
        if e.depth > 0 { captures.put(e.path, frame: e.frame, index: e.index, inputs: Array(e.inputs), outputs: Array(e.outputs)) }
        var node = ExecutedNode(site: DebugEngine.site(e), frameLabel: e.frameLabel, nanoseconds: options.reproducibleTimes ? 1000 : e.nanoseconds,
                                outputs: (0..<e.outputs.count).map { ValueSummary(e.outputs, $0) }, diff: diff)
        node.totalNanoseconds = node.nanoseconds
        node.anyNaN = node.outputs.contains { ($0?.nanCount ?? 0) > 0 }
        node.anyInf = node.outputs.contains { ($0?.infCount ?? 0) > 0 }
        node.anyDiff = diff?.exceeds ?? false
        if e.depth > 0 {
            // Fold repeated runs of a subgraph node (the UI keeps only the latest anyway), so a
            // long loop streams one entry per node per batch, not one per iteration.
            let key = CaptureStore.Key(frame: captures.frameID(e.frame), node: e.index)
            if let slot = batchSlot[key] {
                let old = batch[slot]
                node.count = old.count + 1
                node.totalNanoseconds &+= old.totalNanoseconds
                node.anyNaN = node.anyNaN || old.anyNaN
                node.anyInf = node.anyInf || old.anyInf
                node.anyDiff = node.anyDiff || old.anyDiff
                batch[slot] = node
                flush(force: false)
                return
            }
            batchSlot[key] = batch.count
        }
        batch.append(node)
        flush(force: false)
    }

    private func diffStop(_ e: NodeEvent) -> String? {
        guard let (path, d) = lastDiff, path == e.path, let d, d.exceeds else { return nil }
        return "differs from the reference: " + DebugEngine.diffText(d, rtol: options.rtol, atol: options.atol)
    }

    static func diffText(_ d: DiffSummary, rtol: Double, atol: Double) -> String {
        if let m = d.mismatch { return "'\(d.name)' \(m)" }
        return "'\(d.name)' max abs error \(Fmt.g(d.maxAbs, 4)) (rel \(Fmt.g(d.maxRel, 4)))" + (d.worst.map { " at flat index \($0)" } ?? "")
            + ", \(Fmt.grouped(d.differing)) of \(Fmt.grouped(d.count)) beyond rtol \(Fmt.g(rtol, 3)) atol \(Fmt.g(atol, 3))"
    }

    private func flush(force: Bool) {
        guard !batch.isEmpty else { return }
        let now = DebugEngine.now()
        guard force || batch.count >= 256 || now &- lastFlush > 30_000_000 else { return }
        lastFlush = now
        let b = batch
        batch = []
        batchSlot = [:]
        shared.withLock { $0.outbox.append(.nodes(b)) }
    }

    // MARK: values and exports

    private func value(_ spec: ValueSpec) throws(RuntimeError) -> (Value?, String?) {
        if let p = spec.eventPath {
            guard let v = captures.get(p, frame: spec.frame, index: spec.node?.node ?? -1, output: spec.isOutput, position: spec.position) else {
                return (nil, "the values of '\(p)' are no longer held (its frame ended and the keep budget dropped them)")
            }
            return (v, nil)
        }
        guard let i = interp, i.isStarted else { return (nil, "not computed: the session has not started (s steps)") }
        guard let v = try i.value(named: spec.name) else { return (nil, "not computed yet") }
        return (v, nil)
    }

    private func fetch(_ spec: ValueSpec, referenceName: String?) -> DebugOutcome {
        var f = FetchedValue()
        do {
            let (v, note) = try value(spec)
            f.note = note
            if let v {
                f.summary = ValueSummary(v, range: true)
                switch v {
                case let .tensor(t): f.data = t.tensorData(name: spec.name)
                case let .optional(inner?):
                    if let t = inner.tensor { f.data = t.tensorData(name: spec.name) } else { f.note = "an optional holding a \(inner.kindText)" }
                case .optional(nil): f.note = "an empty optional"
                case let .sequence(s): f.note = "a sequence of \(s.elements.count) values" + (s.elements.first?.tensor.map { "; the first is " + $0.description } ?? "")
                case .map: f.note = "a map"
                }
                if let r = referenceName, let expected = reference?.value(for: r) {
                    f.reference = expected.tensor?.tensorData(name: r)
                    f.diff = ReferenceSet.diff(v, expected, name: r, rtol: options.rtol, atol: options.atol)
                }
            }
        } catch {
            f.note = error.description
        }
        if let i = interp, i.isStarted { f.heldBytes = i.heldBytes + captures.bytes }
        return .fetched(spec, f)
    }

    private func exportValue(_ spec: ValueSpec, path: String) -> DebugOutcome {
        let v: Value
        do {
            let (got, note) = try value(spec)
            guard let got else { return .failed("export: '\(spec.name)': \(note ?? "no value")", nodePath: nil) }
            v = got
        } catch {
            return .failed("export: \(error.description)", nodePath: nil)
        }
        do {
            if path.hasSuffix(".pb") {
                try Files.write(path, ProtoEncoder.encode(NodeExporter.named(v, spec.name)))
            } else {
                guard let t = v.tensor else { return .failed("export: '\(spec.name)' is a \(v.kindText): write it as .pb", nodePath: nil) }
                try Npy.write(t, path: path)
            }
        } catch let e as Files.Failure {
            return .failed("export: \(e.description)", nodePath: nil)
        } catch let e as Npy.Failure {
            return .failed("export: \(e.message)", nodePath: nil)
        } catch {
            return .failed("export: \(error)", nodePath: nil)
        }
        return .exported("wrote \(path) (\(ValueSummary(v).text))")
    }

    private func exportData(_ data: TensorData, path: String) -> DebugOutcome {
        do {
            if path.hasSuffix(".pb") {
                var d = data
                if d.isExternal {
                    let t = try Tensor(data: data)
                    d = t.tensorData(name: data.name)
                }
                try Files.write(path, ProtoEncoder.encode(d))
            } else {
                try Npy.write(try Tensor(data: data), path: path)
            }
        } catch let e as Files.Failure {
            return .failed("export: \(e.description)", nodePath: nil)
        } catch let e as Npy.Failure {
            return .failed("export: \(e.message)", nodePath: nil)
        } catch let e as KernelError {
            return .failed("export: \(e.message)", nodePath: nil)
        } catch {
            return .failed("export: \(error)", nodePath: nil)
        }
        return .exported("wrote \(path) (\(data.typeText))")
    }

    private func exportNode(_ c: NodeCase, directory: String) -> DebugOutcome {
        var inputs: [String: Value] = [:]
        var outputs: [Value?] = []
        let names = c.node.inputs.filter { !$0.isEmpty } + NodeExporter.outerNames(c.node)
        if let p = c.eventPath {
            guard let cap = captures.entry(p, frame: c.frame, index: c.index) else { return .failed("export: the values of '\(p)' are no longer held: run to the node again", nodePath: nil) }
            for (k, name) in c.node.inputs.enumerated() where !name.isEmpty && k < cap.inputs.count {
                if let v = cap.inputs[k] { inputs[name] = v }
            }
            outputs = cap.outputs
        } else {
            guard let i = interp, i.isStarted else { return .failed("export: run the node first (s steps, r runs to the cursor)", nodePath: nil) }
            for (k, name) in c.node.outputs.enumerated() {
                _ = k
                outputs.append(name.isEmpty ? nil : (try? i.value(named: name)) ?? nil)
            }
        }
        if let i = interp, i.isStarted {
            for name in names where inputs[name] == nil {
                if let v = (try? i.value(named: name)) ?? nil { inputs[name] = v }
            }
        }
        do {
            return .exported(try NodeExporter.write(model: model, case: c, inputs: inputs, outputs: outputs, directory: directory))
        } catch {
            return .failed("export: \(error.description)", nodePath: nil)
        }
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// Inputs and outputs of nodes that ran in subgraph frames (their values are gone once the frame
/// ends): the latest run of each node, keyed by its frame without iteration labels and its index
/// (no string work per node), oldest dropped first beyond `limit` bytes.
struct CaptureStore {
    struct Entry {
        var path: String
        var inputs: [Value?]
        var outputs: [Value?]
        var bytes: Int
        var stamp: Int
    }
    struct Key: Hashable {
        var frame: Int
        var node: Int
    }
    var limit = 256 << 20
    private(set) var bytes = 0
    private var entries: [Key: Entry] = [:]
    /// Frames without their iteration labels (by hash) -> small ids.
    private var frameIDs: [UInt64: Int] = [:]
    private var lastFrame = ("", -1)
    private var stamp = 0

    mutating func removeAll() {
        entries = [:]
        bytes = 0
    }

    mutating func frameID(_ frame: String) -> Int {
        if lastFrame.1 >= 0 && lastFrame.0 == frame { return lastFrame.1 }
        let s = staticPathHash(frame)
        let id = frameIDs[s] ?? frameIDs.count
        frameIDs[s] = id
        lastFrame = (frame, id)
        return id
    }

    mutating func put(_ path: String, frame: String, index: Int, inputs: [Value?], outputs: [Value?]) {
        var b = 0
        for v in inputs { b &+= v?.byteCount ?? 0 }
        for v in outputs { b &+= v?.byteCount ?? 0 }
        let key = Key(frame: frameID(frame), node: index)
        stamp += 1
        if let old = entries.updateValue(Entry(path: path, inputs: inputs, outputs: outputs, bytes: b, stamp: stamp), forKey: key) {
            bytes -= old.bytes
        }
        bytes += b
        if bytes > limit {
            // Rare: drop the oldest half of what is held.
            let cut = entries.values.map(\.stamp).sorted()[entries.count / 2]
            for (k, e) in entries where e.stamp <= cut && k != key {
                bytes -= e.bytes
                entries.removeValue(forKey: k)
            }
        }
    }

    /// The values of the run at `path` (frame `frame`, node `index`), if it is still the latest held.
    func entry(_ path: String, frame: String, index: Int) -> Entry? {
        guard let id = frameIDs[staticPathHash(frame)], let e = entries[Key(frame: id, node: index)], e.path == path else { return nil }
        return e
    }

    func get(_ path: String, frame: String, index: Int, output: Bool, position: Int) -> Value? {
        guard let e = entry(path, frame: frame, index: index) else { return nil }
        let list = output ? e.outputs : e.inputs
        return position < list.count ? list[position] : nil
    }
}

/// Runs `body` on a new detached thread.
func spawnThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ b: @escaping @Sendable () -> Void) { body = b }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var tid = pthread_t()
    let r = pthread_create(&tid, nil, { arg in
        let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
        b.body()
        return nil
    }, box)
    if r == 0 {
        pthread_detach(tid)
    } else {
        Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
    }
}

/// A value guarded by a pthread mutex (which ThreadSanitizer understands, unlike the futex-based
/// `Synchronization.Mutex` on Linux, so a TSan run checks the engine's real synchronisation).
final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

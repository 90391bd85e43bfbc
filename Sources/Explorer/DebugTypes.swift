import OnnxModel
import OnnxRuntime
import Reports

// Types shared by the pure explorer state and the debugger engine that runs the interpreter off
// the UI thread. Requests go out as `Reaction.effects`, results come back as `Action.debug`.

/// How one graph input is fed.
public enum InputSource: Sendable, Equatable {
    /// Seeded normal values (integers: 0..<10, booleans: coin flips, like `run --random-inputs`).
    case normal(mean: Double, std: Double)
    /// Seeded uniform values in [low, high).
    case uniform(low: Double, high: Double)
    case zeros
    case ones
    /// A .npy or TensorProto .pb file.
    case file(String)

    public static let standard = InputSource.normal(mean: 0, std: 1)

    /// `random normal (mean 0, std 1)`, `file x.npy`...
    public var text: String {
        switch self {
        case let .normal(m, s): return "random normal (mean \(Fmt.g(m, 4)), std \(Fmt.g(s, 4)))"
        case let .uniform(l, h): return "random uniform [\(Fmt.g(l, 4)), \(Fmt.g(h, 4)))"
        case .zeros: return "zeros"
        case .ones: return "ones"
        case let .file(p): return "file " + p
        }
    }
}

/// The inputs of a session: a source per graph input, values for symbolic dims, the seed.
/// Remembered per model file (see `InputStore`).
public struct InputConfig: Sendable, Equatable {
    /// By input name; inputs not listed use `InputSource.standard`.
    public var sources: [String: InputSource] = [:]
    /// Symbolic dims by name; those not listed are 1.
    public var dims: [String: Int] = [:]
    public var seed: UInt64 = 0

    public init() {}

    public func source(_ name: String) -> InputSource { sources[name] ?? .standard }
    public func dim(_ name: String) -> Int { dims[name] ?? 1 }
}

/// One runtime value the UI wants: a tensor name as seen from the main graph, or an input/output
/// of a node that ran in a subgraph frame (kept by the engine from that node's event).
public struct ValueSpec: Sendable, Hashable {
    public var name: String
    /// The event path of the node (`accumulate/body[iter 2]/loop/Add`) for values of subgraph
    /// frames, which are gone once the frame ends; nil: look `name` up in the interpreter.
    public var eventPath: String?
    /// The frame the value belongs to ("" for the main graph): reference values of subgraph
    /// frames are named `FRAME/NAME`.
    public var frame: String
    public var isOutput: Bool
    public var position: Int
    /// The node whose input or output this is (the tensor view steps through its values).
    public var node: NodeRef?

    public init(name: String, eventPath: String? = nil, frame: String = "", isOutput: Bool = true, position: Int = 0, node: NodeRef? = nil) {
        self.name = name
        self.eventPath = eventPath
        self.frame = frame
        self.isOutput = isOutput
        self.position = position
        self.node = node
    }

    /// The name a reference (`--dump-dir`) gives this value.
    public var referenceName: String { frame.isEmpty ? name : frame + "/" + name }
}

/// What to execute.
public enum ExecCommand: Sendable, Equatable {
    /// One node (a control-flow node or call runs to completion).
    case step
    /// One node, entering the body of a control-flow node or function call.
    case stepInto
    /// Until the current subgraph iteration or function body is left.
    case stepOut
    /// Until a breakpoint or the end.
    case continueRun
    /// Until just before the node with this name or path.
    case runTo(String)

    public var label: String {
        switch self {
        case .step: return "step"
        case .stepInto: return "step into"
        case .stepOut: return "step out"
        case .continueRun: return "continue"
        case let .runTo(n): return "run to " + n
        }
    }
}

/// Breakpoints and conditions installed for one execution request.
public struct StopRules: Sendable, Equatable {
    public var breakpoints: Set<Breakpoint> = []
    /// Stop after a node whose output differs from the reference beyond tolerance.
    public var diff = false
    public init(breakpoints: Set<Breakpoint> = [], diff: Bool = false) {
        self.breakpoints = breakpoints
        self.diff = diff
    }
}

/// Work for the engine.
public enum DebugRequest: Sendable {
    /// (Re)starts the session: builds the feeds and binds them.
    case start(InputConfig)
    case exec(ExecCommand, StopRules)
    /// A value, compared with the reference tensor of that name when there is one.
    case fetch(ValueSpec, referenceName: String?)
    case exportValue(ValueSpec, path: String)
    case exportData(TensorData, path: String)
    case exportNode(NodeCase, directory: String)
    case loadReference(String)

    var isExec: Bool {
        switch self {
        case .start, .exec: return true
        default: return false
        }
    }
}

/// Where a node ran or will run.
public struct NodeSite: Sendable, Equatable {
    /// `accumulate/body[iter 2]/loop/Add`; the display name in the main graph.
    public var path: String
    /// The frame's path ("" for the main graph).
    public var frame: String
    /// Index in its graph's node list.
    public var index: Int
    public var depth: Int
    public init(path: String, frame: String, index: Int, depth: Int) {
        self.path = path
        self.frame = frame
        self.index = index
        self.depth = depth
    }
}

/// A summary of one runtime value (computed on the engine's thread for every node, so cheap:
/// a vectorisable scan for NaN/Inf over floating-point data, no strings for tensors; `min` and
/// `max` for small tensors or where asked for).
public struct ValueSummary: Sendable, Equatable {
    public var dtype: DataType?
    public var shape: [Int]?
    /// For values that are not tensors: `sequence of 3`, `map`, `optional(none)`.
    var kind: String?
    public var nanCount = 0
    public var infCount = 0
    public var firstNaN: Int?
    public var firstInf: Int?
    public var min: Double?
    public var max: Double?
    public var bytes = 0

    /// `float32[1,8]`, `sequence of 3`...
    public var text: String {
        if let dtype, let shape { return dtype.name + "[" + shape.map(String.init).joined(separator: ",") + "]" }
        return kind ?? "?"
    }

    /// Output `k` of an event: one the run did not compute (a fused Conv's, see DeferredValue)
    /// is summarized from what the kernel found, and computed only if it holds a NaN or an infinity.
    public init?(_ outputs: NodeOutputs, _ k: Int) {
        if let d = outputs.deferredInfo(at: k), !d.anyNonFinite {
            self.init(dtype: d.dtype, shape: d.shape, bytes: d.byteCount)
            return
        }
        guard let v = outputs[k] else { return nil }
        self.init(v)
    }

    init(dtype: DataType, shape: [Int], bytes: Int) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public init(_ v: Value, range: Bool = false) {
        bytes = v.byteCount
        switch v {
        case let .tensor(t):
            dtype = t.dtype
            shape = t.shape
            // Small tensors get their range too (cheap); large ones only when asked or when the
            // scan finds a NaN or infinity.
            if t.dtype.isFloatingPoint && (range || t.count <= 4096 || ValueSummary.hasSpecials(t)) {
                let s = OnnxRuntime.TensorStats(t)
                nanCount = s.nanCount
                infCount = s.infCount
                firstNaN = s.firstNaN
                firstInf = s.firstInf
                min = s.min
                max = s.max
            }
        case let .sequence(s): kind = "sequence of \(s.elements.count)"
        case .map: kind = "map"
        case let .optional(o): kind = o == nil ? "optional(none)" : "optional"
        }
    }

    /// Whether any element is NaN or infinite (Tensor.hasNonFinite, a vectorised scan of the raw
    /// bits); other types answer true, so that their statistics are computed.
    static func hasSpecials(_ t: Tensor) -> Bool {
        guard t.count > 0 else { return false }
        switch t.dtype {
        case .float, .double, .float16, .bfloat16: return t.hasNonFinite
        default: return true
        }
    }
}

/// A hash of `staticPath(path)` computed without building it (FNV-1a over the bytes that stay).
func staticPathHash(_ path: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    var copy = path
    copy.withUTF8 { b in
        var i = 0
        let n = b.count
        while i < n {
            if b[i] == UInt8(ascii: "[") {
                var j = i + 1
                if j + 5 <= n && b[j] == UInt8(ascii: "i") && b[j + 1] == UInt8(ascii: "t") && b[j + 2] == UInt8(ascii: "e")
                    && b[j + 3] == UInt8(ascii: "r") && b[j + 4] == UInt8(ascii: " ") { j += 5 }
                let digits = j
                while j < n && b[j] >= 0x30 && b[j] <= 0x39 { j += 1 }
                if j > digits && j < n && b[j] == UInt8(ascii: "]") {
                    i = j + 1
                    continue
                }
            }
            h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3
            i += 1
        }
    }
    return h
}

/// A frame or node path with iteration labels removed (`loop0/body[iter 7]/inc` ->
/// `loop0/body/inc`): the same static place in the model for every iteration.
func staticPath(_ path: String) -> String {
    let u = path.utf8
    guard u.contains(UInt8(ascii: "[")) else { return path }
    var out: [UInt8] = []
    out.reserveCapacity(u.count)
    let bytes = Array(u)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "[") {
            var j = i + 1
            let iter = Array("iter ".utf8)
            if j + iter.count <= bytes.count && Array(bytes[j..<j + iter.count]) == iter { j += iter.count }
            let digits = j
            while j < bytes.count && bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
            if j > digits && j < bytes.count && bytes[j] == UInt8(ascii: "]") {
                i = j + 1
                continue
            }
        }
        out.append(bytes[i])
        i += 1
    }
    return String(decoding: out, as: UTF8.self)
}

/// One node completion, streamed while a request runs.
public struct ExecutedNode: Sendable {
    public var site: NodeSite
    public var frameLabel: String
    public var nanoseconds: UInt64
    /// Aligned with the node's outputs.
    public var outputs: [ValueSummary?]
    /// The worst differing output against the reference (nil: nothing compared).
    public var diff: DiffSummary?
    /// Runs of the same node (loop iterations) folded into this one, the latest kept; with the
    /// total time, whether any produced NaN/Inf, and whether any differed from the reference.
    public var count = 1
    public var totalNanoseconds: UInt64 = 0
    public var anyNaN = false
    public var anyInf = false
    public var anyDiff = false
}

/// Where and why an execution request stopped.
public struct StopInfo: Sendable {
    public enum Kind: Sendable, Equatable {
        case finished, stepped, breakpoint, condition, reachedTarget, frameExited, interrupted
    }
    public var kind: Kind
    /// "breakpoint nan: output 'y' has 1 NaN value, the first at index [0, 5] (flat 5)".
    public var text: String
    /// Whether the stop concerns the node that just completed (NaN/Inf/|x|/diff stops, steps).
    public var afterNode: Bool
    public var completed: NodeSite?
    public var next: NodeSite?
    public var nodesExecuted: Int
    public var heldBytes: Int
    public var seconds: Double
    public var outputs: [(name: String, summary: ValueSummary?)] = []
}

/// A fetched value with its reference, both as tensor data for the tensor view.
public struct FetchedValue: Sendable {
    public var data: TensorData?
    public var summary: ValueSummary?
    /// Why there is no tensor to show (not computed, a sequence...).
    public var note: String?
    public var reference: TensorData?
    public var diff: DiffSummary?
    /// Bytes the session holds after the fetch (a dropped value is recomputed and held again).
    public var heldBytes: Int?
}

/// The answer to a request.
public enum DebugOutcome: Sendable {
    case started(inputs: [String], heldBytes: Int, next: NodeSite?)
    case stopped(StopInfo)
    case fetched(ValueSpec, FetchedValue)
    case exported(String)
    case referenceLoaded(ReferenceInfo)
    /// The request failed; `nodePath` names the node a runtime error happened in.
    case failed(String, nodePath: String?)
    /// Dropped by an interrupt before it ran.
    case cancelled
}

/// Results from the engine, in order.
public enum DebugEvent: Sendable {
    /// Nodes that completed (streamed while a request runs).
    case nodes([ExecutedNode])
    /// A request is done (exactly one per request).
    case done(DebugRequestKind, DebugOutcome)
    /// The provenance report computed for the `p` screen.
    case audit(AuditReport)
}

/// Which kind of request an outcome answers.
public enum DebugRequestKind: Sendable, Equatable {
    case start, exec, fetch, export, reference

    init(_ r: DebugRequest) {
        switch r {
        case .start: self = .start
        case .exec: self = .exec
        case .fetch: self = .fetch
        case .exportValue, .exportData, .exportNode: self = .export
        case .loadReference: self = .reference
        }
    }
}

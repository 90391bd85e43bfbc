import OnnxModel
import OnnxRuntime

/// `bench --profile`: where the time of a run goes, per op type and per node, summed from the
/// interpreter's own per-node clock over the timed runs. Times are self times: an If/Loop/Scan
/// node (or a function call) counts without the nodes of its bodies, which count under their own
/// op types, so the rows add up to the run.
public struct ProfileReport {
    public struct OpRow {
        public var opType: String
        /// Nodes of this op type that ran (distinct paths, loop iterations folded together).
        public var nodes: Int
        /// Kernel calls per run.
        public var calls: Double
        public var msPerRun: Double
        public var share: Double
    }

    public struct NodeRow {
        public var path: String
        public var opType: String
        /// Output type of the first output as it ran: `float32[1,64,56,56]`.
        public var output: String
        public var msPerRun: Double
        public var share: Double
    }

    public var runs = 0
    public var ops: [OpRow] = []
    public var nodes: [NodeRow] = []
    /// The main graph's nodes' times per run (nested nodes are inside their parent's): what the
    /// self times add up to.
    public var nodeMsPerRun = 0.0

    /// Accumulates node events; `finish(runs:)` turns them into rows.
    public final class Collector {
        var opTime: [String: UInt64] = [:]
        var opCalls: [String: Int] = [:]
        var opNodes: [String: Set<String>] = [:]
        var nodeTime: [String: UInt64] = [:]
        var nodeOp: [String: String] = [:]
        var nodeOutput: [String: String] = [:]
        var order: [String] = []
        var topLevel: UInt64 = 0
        /// pending[d]: time of the depth-d nodes since the last node at depth d - 1 finished; a
        /// node finishes after the nodes of its bodies, so those are its children.
        var pending: [UInt64] = []

        public init() {}

        public func record(_ e: NodeEvent) {
            let d = e.depth
            if pending.count < d + 2 { pending += [UInt64](repeating: 0, count: d + 2 - pending.count) }
            let children = pending[d + 1]
            pending[d + 1] = 0
            pending[d] &+= e.nanoseconds
            let own = e.nanoseconds > children ? e.nanoseconds - children : 0
            if d == 0 { topLevel &+= e.nanoseconds }
            let op = e.node.qualifiedOpType
            // Loop/Scan iterations share one row: `Loop_3/body[iter 2]/Add` -> `Loop_3/body/Add`.
            let key = ProfileReport.foldIterations(e.path)
            opTime[op, default: 0] &+= own
            opCalls[op, default: 0] += 1
            opNodes[op, default: []].insert(key)
            if nodeTime[key] == nil {
                order.append(key)
                nodeOp[key] = op
                // A deferred output (a fused Conv's) is described without computing it.
                if let d = e.outputs.deferredInfo(at: 0) {
                    nodeOutput[key] = "\(d.dtype.name)[\(d.shape.map(String.init).joined(separator: ","))]"
                } else {
                    nodeOutput[key] = e.outputs.first.flatMap { $0.map(ProfileReport.describe) } ?? ""
                }
            }
            nodeTime[key, default: 0] &+= own
        }

        public func finish(runs: Int, top: Int) -> ProfileReport {
            var r = ProfileReport()
            r.runs = runs
            let n = Double(max(runs, 1))
            let total = Double(topLevel) / 1e6 / n
            r.nodeMsPerRun = total
            func share(_ ms: Double) -> Double { total > 0 ? ms / total * 100 : 0 }
            r.ops = opTime.map { op, t in
                let ms = Double(t) / 1e6 / n
                return OpRow(opType: op, nodes: opNodes[op]?.count ?? 0, calls: Double(opCalls[op] ?? 0) / n, msPerRun: ms, share: share(ms))
            }.sorted { ($0.msPerRun, $1.opType) > ($1.msPerRun, $0.opType) }
            let rows = order.map { key -> NodeRow in
                let ms = Double(nodeTime[key] ?? 0) / 1e6 / n
                return NodeRow(path: key, opType: nodeOp[key] ?? "", output: nodeOutput[key] ?? "", msPerRun: ms, share: share(ms))
            }
            // Stable: equal times keep graph order.
            r.nodes = Array(rows.enumerated().sorted { ($0.element.msPerRun, $1.offset) > ($1.element.msPerRun, $0.offset) }.map(\.element).prefix(top))
            return r
        }
    }

    static func foldIterations(_ path: String) -> String {
        guard path.contains("[iter ") else { return path }
        var out = ""
        var skipping = false
        var pending = ""
        for c in path {
            if skipping {
                if c == "]" { skipping = false }
                continue
            }
            pending.append(c)
            if pending.hasSuffix("[iter ") {
                out += pending.dropLast(6)
                pending = ""
                skipping = true
            }
        }
        return out + pending
    }

    static func describe(_ v: Value) -> String {
        guard let t = v.tensor else { return v.kindText }
        return "\(t.dtype.name)[\(t.shape.map(String.init).joined(separator: ","))]"
    }

    static func ms(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    public var json: JSON {
        .object([
            ("node_ms_per_run", .double(ProfileReport.ms(nodeMsPerRun))),
            ("ops", .array(ops.map {
                .object([
                    ("op_type", .string($0.opType)), ("nodes", .int($0.nodes)), ("calls_per_run", .double(($0.calls * 100).rounded() / 100)),
                    ("ms_per_run", .double(ProfileReport.ms($0.msPerRun))), ("percent", .double(($0.share * 10).rounded() / 10)),
                ])
            })),
            ("nodes", .array(nodes.map {
                .object([
                    ("node", .string($0.path)), ("op_type", .string($0.opType)), ("output", .string($0.output)),
                    ("ms_per_run", .double(ProfileReport.ms($0.msPerRun))), ("percent", .double(($0.share * 10).rounded() / 10)),
                ])
            })),
        ])
    }

    public var text: String {
        func f(_ v: Double, _ digits: Int = 3) -> String {
            let p = digits == 1 ? 10.0 : 1000.0
            return String((v * p).rounded() / p)
        }
        var lines = ["", "self time per op type (per run, over \(runs) runs; nodes sum to \(f(nodeMsPerRun)) ms):"]
        let w = max(8, ops.map(\.opType.count).max() ?? 0)
        lines.append("  " + Format.pad("op", w) + "  nodes   calls        ms       %")
        for o in ops {
            lines.append("  " + Format.pad(o.opType, w) + "  " + Format.padLeft(String(o.nodes), 5) + "  " + Format.padLeft(f(o.calls, 1), 6)
                         + "  " + Format.padLeft(f(o.msPerRun), 8) + "  " + Format.padLeft(f(o.share, 1), 6))
        }
        if !nodes.isEmpty {
            lines.append("")
            lines.append("slowest nodes:")
            for n in nodes {
                lines.append("  " + Format.padLeft(f(n.msPerRun), 8) + " ms " + Format.padLeft(f(n.share, 1), 5) + "%  \(n.opType) \(n.path)  \(n.output)")
            }
        }
        return lines.joined(separator: "\n")
    }
}


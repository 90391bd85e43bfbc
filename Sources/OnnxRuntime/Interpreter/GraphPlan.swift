import OnnxModel

/// Where a node input comes from.
enum SlotRef: Sendable {
    /// "" : an absent optional input.
    case absent
    /// A value of this graph (input, initializer or node output).
    case local(Int)
    /// A name this graph does not define: looked up in the enclosing frames at run time.
    case outer(String)
}

/// How a node executes.
enum NodeAction {
    /// A kernel from the registry.
    case kernel(any Kernel)
    /// A control-flow op (If, Loop, Scan) whose bodies run as child frames.
    case control(any ControlFlowKernel)
    /// A call of a model-local function: the body runs as a child frame.
    case function(GraphPlan, name: String)
    /// Not executable: the error is raised when the node is reached.
    case failure(RuntimeError)
}

/// A node behind one reference (events carry it).
final class NodeBox: Sendable {
    let node: Node
    /// node.name, or "OpType_index" when unnamed.
    let displayName: String
    init(_ node: Node, displayName: String) {
        self.node = node
        self.displayName = displayName
    }
}

/// A node ready to execute.
final class NodePlan {
    let node: Node
    let nodeBox: NodeBox
    /// Index in the graph's node list (the model's order, not the execution order).
    let index: Int
    /// node.name, or "OpType_index" when unnamed.
    let displayName: String
    let inputs: [SlotRef]
    /// Output slots; -1 for an unused ("") optional output.
    let outputs: [Int]
    var action: NodeAction
    /// Subgraph plans by attribute name (If: then_branch/else_branch, Loop/Scan: body).
    var subgraphs: [String: GraphPlan] = [:]
    /// Values of this graph read by the subgraphs (outer-scope references), kept alive until the node runs.
    var implicitInputs: [Int] = []
    let context: KernelContext
    /// Computes the same outputs on every run (see `GraphPlan.markFoldable`).
    var foldable = false
    /// Those outputs, kept from the first run that computed them.
    var folded: [Value]?
    /// The activation nodes after this Conv that run inside its call (see Fusion).
    var fusion: Fusion?

    init(node: Node, index: Int, inputs: [SlotRef], outputs: [Int], action: NodeAction, threads: Int) {
        self.node = node
        self.index = index
        self.displayName = node.displayName(index: index)
        self.nodeBox = NodeBox(node, displayName: displayName)
        self.inputs = inputs
        self.outputs = outputs
        self.action = action
        self.context = KernelContext(outputCount: node.outputs.count, outputNames: node.outputs, threads: threads)
    }
}

/// A graph compiled for execution: every value name mapped to a slot, nodes in topological
/// order with their kernels resolved. Subgraphs and function bodies are compiled the same way.
final class GraphPlan {
    let graph: Graph
    var slotNames: [String] = []
    var slotOf: [String: Int] = [:]
    /// Graph inputs in order (slot per input).
    var inputSlots: [Int] = []
    /// IR versions before 4 list every initializer among the graph inputs as well, and those
    /// inputs are weights, not overridable defaults (onnxruntime folds them too): true when this
    /// main graph's initializer inputs are such fixed values.
    var initializerInputsFixed = false
    var inputInfos: [ValueInfo] = []
    /// Graph outputs in order.
    var outputRefs: [SlotRef] = []
    var outputNames: [String] = []
    /// Initializers (and sparse initializers), converted to tensors on first use.
    var initializers: [Int: InitializerSource] = [:]
    /// Converted initializers, shared by every run (views into the mapped file where aligned).
    var initializerCache: [Int: Tensor] = [:]
    var nodes: [NodePlan] = []
    /// The graph inputs' names (feeds are checked against them on every run).
    private(set) lazy var inputNames = Set(inputInfos.map(\.name))
    /// The nodes' boxes, one array every frame of this graph shares: it keeps the boxes alive for
    /// the events, which then point at theirs without a retain each.
    var nodeBoxes: [NodeBox] = []
    /// The node (position in `nodes`) producing each slot.
    var producer: [Int: Int] = [:]
    /// For each slot, how many node inputs in this graph read it (plus implicit subgraph reads).
    var useCount: [Int] = []
    /// Slots that are graph outputs: never freed.
    var isOutput: [Bool] = []
    /// Slots that are cheap to recompute (see markRecomputable).
    var recomputable: [Bool] = []
    /// Names read from enclosing scopes (by this graph and its subgraphs).
    var freeNames: Set<String> = []

    enum InitializerSource {
        case dense(TensorData)
        case sparse(SparseTensorData)
    }

    struct Environment {
        var model: Model
        var registry: OpRegistry
        /// Opset per canonical domain for this graph (function bodies have their own).
        var opsets: [String: Int]
        var functions: [String: Function]
        var threads: Int
        var depth: Int
    }

    func slot(_ name: String) -> Int {
        if let s = slotOf[name] { return s }
        let s = slotNames.count
        slotNames.append(name)
        slotOf[name] = s
        return s
    }

    init(graph: Graph, env: Environment) {
        self.graph = graph
        initializerInputsFixed = env.depth == 0 && env.model.irVersion > 0 && env.model.irVersion < 4
        for i in graph.inputs {
            inputSlots.append(slot(i.name))
            inputInfos.append(i)
        }
        for t in graph.initializers where !t.name.isEmpty { initializers[slot(t.name)] = .dense(t) }
        for s in graph.sparseInitializers where !s.values.name.isEmpty { initializers[slot(s.values.name)] = .sparse(s) }
        // Every name a node produces is local, whatever the node order.
        for n in graph.nodes { for o in n.outputs where !o.isEmpty { _ = slot(o) } }

        let order = GraphPlan.topologicalOrder(graph.nodes, defined: Set(slotNames))
        for idx in order {
            let n = graph.nodes[idx]
            let ins: [SlotRef] = n.inputs.map { name in
                if name.isEmpty { return .absent }
                if let s = slotOf[name] { return .local(s) }
                freeNames.insert(name)
                return .outer(name)
            }
            let outs = n.outputs.map { $0.isEmpty ? -1 : slot($0) }
            let plan = NodePlan(node: n, index: idx, inputs: ins, outputs: outs, action: .failure(RuntimeError(.invalidModel, "not compiled")), threads: env.threads)
            GraphPlan.resolve(plan, env: env)
            // Subgraphs: compiled with this graph's opsets; their free names are this node's implicit inputs.
            var sub = env
            sub.depth += 1
            for a in n.attributes {
                guard case let .graph(g) = a.value else { continue }
                let p = GraphPlan(graph: g, env: sub)
                plan.subgraphs[a.name] = p
                for name in p.freeNames {
                    if let s = slotOf[name] { plan.implicitInputs.append(s) } else { freeNames.insert(name) }
                }
            }
            if case let .function(body, _) = plan.action {
                for name in body.freeNames { if let s = slotOf[name] { plan.implicitInputs.append(s) } else { freeNames.insert(name) } }
            }
            for (k, s) in outs.enumerated() where s >= 0 && producer[s] == nil {
                producer[s] = nodes.count
                _ = k
            }
            nodes.append(plan)
        }
        for o in graph.outputs {
            outputNames.append(o.name)
            if let s = slotOf[o.name] { outputRefs.append(.local(s)) } else {
                freeNames.insert(o.name)
                outputRefs.append(.outer(o.name))
            }
        }
        useCount = [Int](repeating: 0, count: slotNames.count)
        isOutput = [Bool](repeating: false, count: slotNames.count)
        for n in nodes {
            for case let .local(s) in n.inputs { useCount[s] += 1 }
            for s in n.implicitInputs { useCount[s] += 1 }
        }
        for case let .local(s) in outputRefs { isOutput[s] = true }
        markFoldable()
        markRecomputable()
        Fusion.plan(self)
        nodeBoxes = nodes.map(\.nodeBox)
    }

    /// Element-wise ops (default domain): one cheap step per element. BatchNormalization in
    /// inference (one output) is a per-channel affine map.
    static let elementwise: Set<String> = ["Relu", "Clip", "LeakyRelu", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh", "Add", "Sub",
                                           "Mul", "Div", "Neg", "Abs", "Identity", "PRelu", "Elu", "Selu", "Softplus", "Erf",
                                           "BatchNormalization"]
    /// Ops that only move elements (one step each): a channel shuffle's Reshape/Transpose, a
    /// Concat of branches. Their other inputs (shapes, axes) are small values the run holds.
    static let movement: Set<String> = ["Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat"]

    /// Multiply-adds per element within which recomputing a value from held ones counts as cheap.
    static let recomputeLimit = 256

    /// Marks the slots a run that keeps its intermediates still drops after their last use, to be
    /// recomputed when viewed: values that take at most `recomputeLimit` multiply-adds per element
    /// to recompute from the values the run holds (element-wise results count one, a convolution
    /// its taps per output: C/group x kh x kw), counting the dropped values they are computed from.
    /// Holding such a value costs a run about as much as computing it again (one more write of
    /// every element to memory, the buffer out of reuse), and viewing it recomputes it in a few
    /// steps at most, never through a long chain.
    private func markRecomputable() {
        recomputable = [Bool](repeating: false, count: slotNames.count)
        var cost = [Int](repeating: 0, count: slotNames.count)
        for (i, np) in nodes.enumerated() {
            guard case .kernel = np.action, np.subgraphs.isEmpty, np.implicitInputs.isEmpty, !np.foldable,
                  OpsetImport.canonicalDomain(np.node.domain).isEmpty, let own = stepCost(np),
                  np.outputs.count == 1, let out = np.outputs.first, out >= 0, producer[out] == i
            else { continue }
            var total = own, local = true
            for ref in np.inputs {
                switch ref {
                case let .local(s): total += cost[s]
                case .absent: continue
                case .outer: local = false
                }
            }
            guard local, total <= GraphPlan.recomputeLimit else { continue }
            cost[out] = total
            recomputable[out] = true
        }
    }

    /// Multiply-adds per output element of a node that may be recomputed, or nil: 1 for the
    /// element-wise and movement ops, the taps per output for a Conv with a constant weight.
    private func stepCost(_ np: NodePlan) -> Int? {
        if GraphPlan.elementwise.contains(np.node.opType) || GraphPlan.movement.contains(np.node.opType) { return 1 }
        guard np.node.opType == "Conv", np.inputs.count >= 2, case let .local(ws) = np.inputs[1],
              let dims = constantDims(ws), dims.count >= 3, dims.allSatisfy({ $0 > 0 })
        else { return nil }
        let taps = dims.dropFirst().reduce(Int64(1)) { $0.multipliedReportingOverflow(by: $1).overflow ? Int64.max : $0 * $1 }
        return taps <= Int64(GraphPlan.recomputeLimit) ? Int(taps) : nil
    }

    /// The dims of an initializer, or of a ConstantOfShape output whose shape is an initializer
    /// (folded on the first run: how weight-stripped exports make their weights).
    private func constantDims(_ s: Int) -> [Int64]? {
        if case let .dense(w)? = initializers[s] { return w.dims }
        guard let p = producer[s], nodes[p].foldable, nodes[p].node.opType == "ConstantOfShape",
              case let .local(ss)? = nodes[p].inputs.first, case let .dense(shape)? = initializers[ss],
              let t = try? Tensor(data: shape), t.dtype == .int64 else { return nil }
        return t.elements(as: Int64.self)
    }

    /// Ops whose outputs differ from run to run with the same inputs.
    static let nondeterministic: Set<String> = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                                "Bernoulli", "Multinomial"]

    /// Marks the nodes that compute the same outputs on every run: deterministic kernels whose
    /// inputs are initializers no feed can replace, or outputs of other such nodes. Their outputs
    /// are computed once and reused, as onnxruntime folds them when it loads a model (exporters
    /// leave weight transposes, ConstantOfShape-built weights and shape arithmetic in the graph).
    private func markFoldable() {
        var constant = Set(initializers.keys)
        if !initializerInputsFixed { constant.subtract(inputSlots) }
        for np in nodes {
            guard case .kernel = np.action, np.subgraphs.isEmpty, np.implicitInputs.isEmpty,
                  !(OpsetImport.canonicalDomain(np.node.domain).isEmpty && GraphPlan.nondeterministic.contains(np.node.opType))
            else { continue }
            let fixed = np.inputs.allSatisfy { ref in
                switch ref {
                case .absent: return true
                case let .local(s): return constant.contains(s)
                case .outer: return false
                }
            }
            guard fixed else { continue }
            np.foldable = true
            for s in np.outputs where s >= 0 { constant.insert(s) }
        }
    }

    /// Kahn's algorithm, stable (keeps the model's order where it is valid). Nodes in a cycle or
    /// waiting for a value nobody produces are appended in model order (they fail when reached).
    static func topologicalOrder(_ nodes: [Node], defined: Set<String>) -> [Int] {
        var producerOf: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { for o in n.outputs where !o.isEmpty && producerOf[o] == nil { producerOf[o] = i } }
        var pending = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (i, n) in nodes.enumerated() {
            var deps = Set<Int>()
            for name in n.inputs where !name.isEmpty {
                if let p = producerOf[name], p != i { deps.insert(p) }
            }
            // Subgraph reads of values produced here also order the node.
            for a in n.attributes {
                for g in a.value.graphs {
                    for name in GraphPlan.referencedNames(g) { if let p = producerOf[name], p != i { deps.insert(p) } }
                }
            }
            pending[i] = deps.count
            for d in deps { consumers[d].append(i) }
        }
        // Already in order? (the common case) — check cheaply.
        var inOrder = true
        var seen = Set<String>()
        outer: for n in nodes {
            for name in n.inputs where !name.isEmpty && producerOf[name] != nil && !seen.contains(name) { inOrder = false; break outer }
            for o in n.outputs { seen.insert(o) }
        }
        if inOrder && !nodes.contains(where: { !$0.attributes.allSatisfy { $0.value.graphs.isEmpty } }) { return Array(0..<nodes.count) }

        var ready = Heap()
        for i in 0..<nodes.count where pending[i] == 0 { ready.push(i) }
        var order: [Int] = []
        var done = [Bool](repeating: false, count: nodes.count)
        while let i = ready.pop() {
            order.append(i)
            done[i] = true
            for c in consumers[i] {
                pending[c] -= 1
                if pending[c] == 0 { ready.push(c) }
            }
        }
        for i in 0..<nodes.count where !done[i] { order.append(i) }
        return order
    }

    /// Every value name a graph's nodes read (including in nested subgraphs).
    static func referencedNames(_ g: Graph) -> Set<String> {
        var out = Set<String>()
        for n in g.nodes {
            for i in n.inputs where !i.isEmpty { out.insert(i) }
            for a in n.attributes { for sg in a.value.graphs { out.formUnion(referencedNames(sg)) } }
        }
        for o in g.outputs { out.insert(o.name) }
        return out
    }

    /// A tiny min-heap of node indices (keeps the topological order stable).
    struct Heap {
        var items: [Int] = []
        mutating func push(_ x: Int) {
            items.append(x)
            var i = items.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if items[p] <= items[i] { break }
                items.swapAt(p, i)
                i = p
            }
        }
        mutating func pop() -> Int? {
            guard !items.isEmpty else { return nil }
            let top = items[0]
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count && items[l] < items[m] { m = l }
                    if r < items.count && items[r] < items[m] { m = r }
                    if m == i { break }
                    items.swapAt(m, i)
                    i = m
                }
            }
            return top
        }
    }

    // MARK: Kernel resolution

    static func resolve(_ plan: NodePlan, env: Environment) {
        let n = plan.node
        let domain = OpsetImport.canonicalDomain(n.domain)
        let path = plan.displayName
        // Model-local functions take precedence over the registry (they may shadow nothing standard).
        let key = functionKey(domain: domain, name: n.opType, overload: n.overload)
        if let f = env.functions[key] ?? env.functions[functionKey(domain: domain, name: n.opType, overload: "")] {
            callFunction(plan, f, env: env)
            return
        }
        guard let opset = env.opsets[domain] else {
            plan.action = .failure(RuntimeError(.unsupportedOp, "unsupported op \(n.qualifiedOpType): the model imports no opset for domain '\(domain.isEmpty ? "ai.onnx" : domain)'", nodePath: path, opType: n.qualifiedOpType))
            return
        }
        let resolution = env.registry.resolve(domain: domain, opType: n.opType, opset: opset)
        // No kernel: an op the spec defines as a function runs from its schema body.
        var hasKernel = false
        if case .found = resolution { hasKernel = !env.registry.preferFunctionBodies }
        if !hasKernel, let e = SchemaFunctions.body(domain: domain, opType: n.opType, opset: opset) {
            callFunction(plan, e.function, env: env)
            return
        }
        switch resolution {
        case .unknownOp:
            plan.action = .failure(RuntimeError(.unsupportedOp, "unsupported op \(n.qualifiedOpType)", nodePath: path, opType: n.qualifiedOpType))
        case let .noVersion(available):
            plan.action = .failure(RuntimeError(.unsupportedOp, "unsupported op \(n.qualifiedOpType) at opset \(opset) (implemented since versions \(available.map(String.init).joined(separator: ", ")))", nodePath: path, opType: n.qualifiedOpType))
        case let .found(since, make):
            do {
                let k = try make(NodeContext(node: n, opset: opset, sinceVersion: since))
                if let c = k as? any ControlFlowKernel { plan.action = .control(c) } else { plan.action = .kernel(k) }
            } catch let e as KernelError {
                plan.action = .failure(RuntimeError(e.kind == .unsupported ? .unsupported : .invalidArgument, e.message, nodePath: path, opType: n.qualifiedOpType))
            } catch let e as RuntimeError {
                var e = e
                if e.nodePath == nil { e.nodePath = path; e.opType = n.qualifiedOpType }
                plan.action = .failure(e)
            } catch {
                plan.action = .failure(RuntimeError(.invalidArgument, "\(error)", nodePath: path, opType: n.qualifiedOpType))
            }
        }
    }

    /// Compiles a function (model-local or a schema body) for one call: the body runs as a child
    /// frame with the function's own opset imports.
    static func callFunction(_ plan: NodePlan, _ f: Function, env: Environment) {
        let n = plan.node
        guard env.depth < 64 else {
            plan.action = .failure(RuntimeError(.invalidModel, "function calls nest more than 64 deep (recursive function?)", nodePath: plan.displayName, opType: n.qualifiedOpType))
            return
        }
        var fenv = env
        fenv.depth += 1
        for o in f.opsetImports { fenv.opsets[OpsetImport.canonicalDomain(o.domain)] = Int(o.version) }
        let body = GraphPlan(graph: functionBody(f, call: n), env: fenv)
        plan.action = .function(body, name: f.name)
    }

    static func functionKey(domain: String, name: String, overload: String) -> String {
        "\(OpsetImport.canonicalDomain(domain))\u{1}\(name)\u{1}\(overload)"
    }

    /// The function body as a graph for one call: attribute references replaced by the call's
    /// attributes (or the function's defaults).
    static func functionBody(_ f: Function, call: Node) -> Graph {
        var g = Graph()
        g.name = f.name
        g.inputs = f.inputs.map { ValueInfo(name: $0) }
        g.outputs = f.outputs.map { ValueInfo(name: $0) }
        g.nodes = f.nodes.map { substitute($0, call: call, defaults: f.attributeDefaults) }
        return g
    }

    static func substitute(_ n: Node, call: Node, defaults: [Attribute]) -> Node {
        var n = n
        n.attributes = n.attributes.compactMap { a in
            var a = a
            if !a.refAttrName.isEmpty {
                guard let v = call.attribute(a.refAttrName) ?? defaults.first(where: { $0.name == a.refAttrName }) else { return nil }
                a.value = v.value
                a.refAttrName = ""
            }
            if case let .graph(g) = a.value {
                var g = g
                g.nodes = g.nodes.map { substitute($0, call: call, defaults: defaults) }
                a.value = .graph(g)
            }
            return a
        }
        return n
    }
}

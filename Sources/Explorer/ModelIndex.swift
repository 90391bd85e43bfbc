import OnnxModel

/// A node in some graph of the model.
public struct NodeRef: Hashable, Sendable {
    public var graph: Int
    public var node: Int
    public init(graph: Int, node: Int) {
        self.graph = graph
        self.node = node
    }
}

/// Where a tensor's data can be read from.
public enum TensorRef: Hashable, Sendable {
    /// `graph.initializers[index]`.
    case initializer(graph: Int, index: Int)
    /// A TENSOR (or TENSORS) attribute of a node: `attributes[attribute]`, element `element`.
    case attribute(NodeRef, attribute: Int, element: Int)
    /// A value computed in the debugging session (fetched from the engine).
    case runtime(ValueSpec)
}

/// How a graph sits in the model.
public enum GraphKind: Sendable {
    case main
    /// A node attribute's body (If/Loop/Scan...): parent graph, node, attribute name, position in a GRAPHS list.
    case subgraph(parent: Int, node: Int, attribute: String, position: Int)
    /// A model-local function's body.
    case function(Int)
    /// A TrainingInfoProto graph.
    case training(index: Int, part: String)
}

/// Who writes a tensor name, as seen from one graph.
public enum TensorSource: Hashable, Sendable {
    case graphInput(graph: Int, index: Int)
    case initializer(graph: Int, index: Int)
    case node(NodeRef, output: Int)
    case unknown
}

/// Lookup tables over the whole model, built once when it opens. Subgraphs and function bodies
/// are indexed the first time something asks for them, so opening stays proportional to the
/// main graph.
public final class ModelIndex {
    public let model: Model
    public let problems: [Problem]
    public let summary: ModelSummary

    public struct Entry {
        public var graph: Graph
        public var kind: GraphKind
        /// Tensor name -> producing node index and output position.
        var producers: [String: (Int, Int)] = [:]
        var consumers: [String: [Int]] = [:]
        var types: [String: TypeInfo] = [:]
        var inputIndex: [String: Int] = [:]
        var outputIndex: [String: Int] = [:]
        var initializerIndex: [String: Int] = [:]
        var indexed = false
    }

    public private(set) var graphs: [Entry] = []
    /// (graph, node, attribute name, position) -> graph id, for subgraphs registered so far.
    private var subgraphIDs: [SubgraphKey: Int] = [:]
    private var functionGraphIDs: [Int: Int] = [:]
    private let functionKeys: [String: Int]

    struct SubgraphKey: Hashable {
        var graph: Int
        var node: Int
        var attribute: String
        var position: Int
    }

    public init(model: Model, problems: [Problem] = []) {
        self.model = model
        self.problems = problems
        self.summary = ModelSummary(model)
        var keys: [String: Int] = [:]
        for (i, f) in model.functions.enumerated() {
            keys[ModelIndex.functionKey(domain: f.domain, name: f.name, overload: f.overload)] = i
        }
        functionKeys = keys
        graphs.append(Entry(graph: model.graph, kind: .main))
        ensureIndexed(0)
    }

    static func functionKey(domain: String, name: String, overload: String) -> String {
        OpsetImport.canonicalDomain(domain) + "\u{0}" + name + "\u{0}" + overload
    }

    public var main: Graph { graphs[0].graph }

    public func graph(_ id: Int) -> Graph { graphs[id].graph }
    public func kind(_ id: Int) -> GraphKind { graphs[id].kind }

    public func node(_ ref: NodeRef) -> Node { graphs[ref.graph].graph.nodes[ref.node] }

    /// The model-local function a node calls, if any.
    public func calledFunction(_ node: Node) -> Int? {
        functionKeys[ModelIndex.functionKey(domain: node.domain, name: node.opType, overload: node.overload)]
    }

    /// The graph id of a node attribute's subgraph (registering it on first use).
    public func subgraphID(parent: Int, node: Int, attribute: String, position: Int) -> Int? {
        let key = SubgraphKey(graph: parent, node: node, attribute: attribute, position: position)
        if let id = subgraphIDs[key] { return id }
        let n = graphs[parent].graph.nodes[node]
        guard let a = n.attributes.first(where: { $0.name == attribute }) else { return nil }
        let gs = a.value.graphs
        guard position < gs.count else { return nil }
        graphs.append(Entry(graph: gs[position], kind: .subgraph(parent: parent, node: node, attribute: attribute, position: position)))
        subgraphIDs[key] = graphs.count - 1
        return graphs.count - 1
    }

    /// Every subgraph of a node, as (attribute name, position, graph id).
    public func subgraphs(of ref: NodeRef) -> [(attribute: String, position: Int, graph: Int)] {
        var out: [(String, Int, Int)] = []
        for a in node(ref).attributes {
            for (p, _) in a.value.graphs.enumerated() {
                if let id = subgraphID(parent: ref.graph, node: ref.node, attribute: a.name, position: p) { out.append((a.name, p, id)) }
            }
        }
        return out
    }

    /// The graph id of a function's body.
    public func functionGraphID(_ f: Int) -> Int {
        if let id = functionGraphIDs[f] { return id }
        let fn = model.functions[f]
        var g = Graph()
        g.name = fn.qualifiedName
        g.nodes = fn.nodes
        g.inputs = fn.inputs.map { ValueInfo(name: $0) }
        g.outputs = fn.outputs.map { ValueInfo(name: $0) }
        g.valueInfo = fn.valueInfo
        g.docString = fn.docString
        g.metadataProps = fn.metadataProps
        graphs.append(Entry(graph: g, kind: .function(f)))
        functionGraphIDs[f] = graphs.count - 1
        return graphs.count - 1
    }

    /// Builds the name tables of a graph (once).
    public func ensureIndexed(_ id: Int) {
        guard !graphs[id].indexed else { return }
        var e = graphs[id]
        e.indexed = true
        let g = e.graph
        e.producers.reserveCapacity(g.nodes.count)
        e.consumers.reserveCapacity(g.nodes.count + g.inputs.count + g.initializers.count)
        e.types.reserveCapacity(g.valueInfo.count + g.inputs.count + g.outputs.count + g.initializers.count)
        for (i, v) in g.inputs.enumerated() {
            if e.inputIndex[v.name] == nil { e.inputIndex[v.name] = i }
            if let t = v.type { e.types[v.name] = t }
        }
        for (i, t) in g.initializers.enumerated() {
            if e.initializerIndex[t.name] == nil { e.initializerIndex[t.name] = i }
            if e.types[t.name] == nil {
                e.types[t.name] = TypeInfo(.tensor(elemType: t.elemType, shape: TensorShape(t.dims.map { Dim(.value($0)) })))
            }
        }
        for v in g.valueInfo { if let t = v.type, e.types[v.name] == nil { e.types[v.name] = t } }
        for (i, v) in g.outputs.enumerated() {
            if e.outputIndex[v.name] == nil { e.outputIndex[v.name] = i }
            if let t = v.type, e.types[v.name] == nil { e.types[v.name] = t }
        }
        for (i, n) in g.nodes.enumerated() {
            for (k, o) in n.outputs.enumerated() where !o.isEmpty && e.producers[o] == nil { e.producers[o] = (i, k) }
            for inp in n.inputs where !inp.isEmpty {
                if e.consumers[inp]?.last != i { e.consumers[inp, default: []].append(i) }
            }
        }
        graphs[id] = e
    }

    /// The type recorded for a tensor name in a graph or, failing that, in its enclosing graphs.
    public func type(of name: String, in id: Int) -> TypeInfo? {
        var g: Int? = id
        while let cur = g {
            ensureIndexed(cur)
            if let t = graphs[cur].types[name] { return t }
            g = parentGraph(cur)
        }
        return nil
    }

    public func parentGraph(_ id: Int) -> Int? {
        if case let .subgraph(p, _, _, _) = graphs[id].kind { return p }
        return nil
    }

    /// Who writes `name` as seen from graph `id` (looking outwards through enclosing graphs).
    public func source(of name: String, in id: Int) -> TensorSource {
        var g: Int? = id
        while let cur = g {
            ensureIndexed(cur)
            let e = graphs[cur]
            if let (n, k) = e.producers[name] { return .node(NodeRef(graph: cur, node: n), output: k) }
            if let i = e.initializerIndex[name] { return .initializer(graph: cur, index: i) }
            if let i = e.inputIndex[name] { return .graphInput(graph: cur, index: i) }
            g = parentGraph(cur)
        }
        return .unknown
    }

    /// Nodes of graph `id` that read `name`.
    public func consumers(of name: String, in id: Int) -> [NodeRef] {
        ensureIndexed(id)
        return (graphs[id].consumers[name] ?? []).map { NodeRef(graph: id, node: $0) }
    }

    /// Whether `name` is an output of graph `id`, and at which position.
    public func graphOutputIndex(of name: String, in id: Int) -> Int? {
        ensureIndexed(id)
        return graphs[id].outputIndex[name]
    }

    public func tensor(_ ref: TensorRef) -> TensorData? {
        switch ref {
        case let .initializer(g, i):
            let gr = graphs[g].graph
            return i < gr.initializers.count ? gr.initializers[i] : nil
        case let .attribute(n, a, e):
            let node = self.node(n)
            guard a < node.attributes.count else { return nil }
            switch node.attributes[a].value {
            case let .tensor(t): return e == 0 ? t : nil
            case let .tensors(ts): return e < ts.count ? ts[e] : nil
            case let .sparseTensor(s): return e == 0 ? s.values : nil
            default: return nil
            }
        case .runtime:
            return nil
        }
    }

    /// A short human name for a graph: "main graph 'g'", "then_branch of If 'cond'", "function tour.local:Swish".
    public func graphLabel(_ id: Int) -> String {
        let g = graphs[id].graph
        switch graphs[id].kind {
        case .main: return "graph '\(g.name)'"
        case let .subgraph(p, n, a, pos):
            let node = graphs[p].graph.nodes[n]
            let suffix = pos > 0 || (node.attribute(a)?.value.graphs.count ?? 1) > 1 ? "[\(pos)]" : ""
            return "\(a)\(suffix) of \(node.opType) '\(node.displayName(index: n))'"
        case let .function(f): return "function \(model.functions[f].qualifiedName)"
        case let .training(i, part): return "training_info[\(i)].\(part)"
        }
    }

    /// Graph ids from the main graph (or a function) down to `id`.
    public func graphChain(_ id: Int) -> [Int] {
        var chain = [id]
        var cur = id
        while let p = parentGraph(cur) { chain.append(p); cur = p }
        return chain.reversed()
    }

    /// All node names and tensor names in the main graph and every subgraph indexed so far,
    /// sorted and deduplicated (for `:` completion).
    public private(set) lazy var jumpNames: [String] = {
        var names = Set<String>()
        func add(_ g: Graph) {
            for n in g.nodes {
                if !n.name.isEmpty { names.insert(n.name) }
                for o in n.outputs where !o.isEmpty { names.insert(o) }
                for a in n.attributes { for sg in a.value.graphs { add(sg) } }
            }
            for v in g.inputs { names.insert(v.name) }
            for v in g.outputs { names.insert(v.name) }
            for t in g.initializers { names.insert(t.name) }
        }
        add(model.graph)
        return names.filter { !$0.isEmpty }.sorted()
    }()
}

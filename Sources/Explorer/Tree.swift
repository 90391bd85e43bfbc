import OnnxModel

/// The groups a graph's contents are shown in.
public enum SectionKind: Sendable, Hashable {
    case inputs, outputs, initializers, functions
}

/// What a tree row stands for.
public enum ItemKind: Sendable, Hashable {
    case section(SectionKind, graph: Int)
    /// A name-scope group (`encoder/layer.0`); `path` is the full scope path, unique per graph.
    case scope(graph: Int, path: String)
    case node(NodeRef)
    case input(graph: Int, index: Int)
    case output(graph: Int, index: Int)
    case initializer(graph: Int, index: Int)
    /// A node attribute's subgraph, shown under the node.
    case subgraph(graph: Int)
    /// A model-local function in the Functions section.
    case function(Int)
}

struct TreeItem {
    var kind: ItemKind
    var parent: Int32
    var depth: Int32
    var children: [Int32] = []
    var expandable: Bool
    /// Children materialised (subgraph, function and call contents are built on first expansion).
    var built: Bool
    var expanded = false
    /// Scope label ("encoder/fc1"); for nodes inside scopes, the UTF-8 byte count of the name
    /// the scope path already shows.
    var label = ""
    var labelOffset: Int32 = 0
    /// Nodes in a scope group or graph.
    var nodeCount: Int32 = 0
    var opMix: [(String, Int)] = []
    /// Bytes of an initializer group (computed once, not per frame).
    var bytes = 0
}

/// The graph tree: items built once (lazily below nodes) and a flat list of the rows currently
/// visible, recomputed only when something is expanded, collapsed or filtered — never per frame.
public struct TreeModel {
    let index: ModelIndex
    var items: [TreeItem] = []
    var roots: [Int32] = []
    /// First item created for each kind (targets of jumps and search results).
    var itemFor: [ItemKind: Int32] = [:]
    /// Visible rows (item ids) in display order, and each item's row (-1 when hidden).
    public private(set) var rows: [Int32] = []
    var rowOf: [Int32] = []
    /// Items kept by the current filter (matches and their ancestors); nil when not filtering.
    var keep: [Bool]?

    /// Scope paths longer than this stay in the node's label (bounds recursion on hostile names).
    static let maxScopeDepth = 32
    /// Trees with at most this many rows when fully expanded open fully expanded.
    static let autoExpandLimit = 400

    init(index: ModelIndex) {
        self.index = index
        roots = buildGraphContent(graph: 0, parent: -1, depth: 0)
        // Open the top level, and small models entirely.
        for r in roots { items[Int(r)].expanded = items[Int(r)].kind != .section(.initializers, graph: 0) }
        if items.count <= TreeModel.autoExpandLimit {
            var i = 0
            while i < items.count && items.count <= TreeModel.autoExpandLimit {
                // Initializer groups stay folded: they are one row with counts and bytes.
                if items[i].expandable && items[i].depth < 6, case .section(.initializers, _) = items[i].kind {
                    i += 1
                    continue
                }
                if items[i].expandable && items[i].depth < 6 {
                    ensureBuilt(Int32(i))
                    items[i].expanded = true
                }
                i += 1
            }
        }
        flatten()
    }

    public var count: Int { rows.count }
    func item(atRow r: Int) -> TreeItem { items[Int(rows[r])] }
    func kind(atRow r: Int) -> ItemKind { items[Int(rows[r])].kind }

    // MARK: building

    @discardableResult
    private mutating func add(_ kind: ItemKind, parent: Int32, depth: Int32, expandable: Bool, built: Bool) -> Int32 {
        let id = Int32(items.count)
        items.append(TreeItem(kind: kind, parent: parent, depth: depth, expandable: expandable, built: built))
        if itemFor[kind] == nil { itemFor[kind] = id }
        if parent >= 0 { items[Int(parent)].children.append(id) }
        return id
    }

    /// Inputs, initializers, nodes grouped by name scope, outputs (and functions for the main graph).
    private mutating func buildGraphContent(graph gid: Int, parent: Int32, depth: Int32) -> [Int32] {
        index.ensureIndexed(gid)
        let g = index.graph(gid)
        let first = items.count
        if !g.inputs.isEmpty {
            // Models from IR < 4 exporters list every weight as a graph input too: those rows would
            // bury the real inputs, and they are shown under Initializers already.
            let inits = index.graphs[gid].initializerIndex
            let fed = g.inputs.indices.filter { inits[g.inputs[$0].name] == nil }
            let s = add(.section(.inputs, graph: gid), parent: parent, depth: depth, expandable: !fed.isEmpty, built: true)
            for i in fed { add(.input(graph: gid, index: i), parent: s, depth: depth + 1, expandable: false, built: true) }
        }
        if !g.initializers.isEmpty {
            let s = add(.section(.initializers, graph: gid), parent: parent, depth: depth, expandable: true, built: true)
            items[Int(s)].bytes = g.initializers.reduce(0) { $0 + ($1.expectedByteCount ?? $1.storedByteCount) }
            for i in g.initializers.indices { add(.initializer(graph: gid, index: i), parent: s, depth: depth + 1, expandable: false, built: true) }
        }
        buildNodes(graph: gid, parent: parent, depth: depth)
        if !g.outputs.isEmpty {
            let s = add(.section(.outputs, graph: gid), parent: parent, depth: depth, expandable: true, built: true)
            for i in g.outputs.indices { add(.output(graph: gid, index: i), parent: s, depth: depth + 1, expandable: false, built: true) }
        }
        if gid == 0 && !index.model.functions.isEmpty {
            let s = add(.section(.functions, graph: 0), parent: parent, depth: depth, expandable: true, built: true)
            for f in index.model.functions.indices {
                add(.function(f), parent: s, depth: depth + 1, expandable: !index.model.functions[f].nodes.isEmpty, built: false)
            }
        }
        if parent >= 0 { return items[Int(parent)].children }
        return (first..<items.count).compactMap { items[$0].parent == -1 ? Int32($0) : nil }
    }

    private final class Scope {
        let name: String
        var children: [String: Scope] = [:]
        var entries: [Entry] = []
        var count = 0
        var ops: [String: Int] = [:]
        init(_ name: String) { self.name = name }
        enum Entry {
            case node(Int, consumed: Int)
            case scope(Scope)
        }
        /// The only node below a one-node scope.
        var singleNode: (Int, Int)? {
            for e in entries {
                switch e {
                case let .node(i, c): return (i, c)
                case let .scope(s): if let r = s.singleNode { return r }
                }
            }
            return nil
        }
    }

    private mutating func buildNodes(graph gid: Int, parent: Int32, depth: Int32) {
        let g = index.graph(gid)
        let root = Scope("")
        itemFor.reserveCapacity(itemFor.count + g.nodes.count + g.initializers.count + 16)
        items.reserveCapacity(items.count + g.nodes.count + g.initializers.count + g.inputs.count + g.outputs.count)
        for (i, n) in g.nodes.enumerated() {
            let torch = TreeModel.torchScopes(n)
            let comps = torch ?? scopeComponents(n.name)
            if comps.isEmpty {
                root.entries.append(.node(i, consumed: 0))
                continue
            }
            let op = n.qualifiedOpType
            var cur = root
            for c in comps {
                if let child = cur.children[c] { cur = child } else {
                    let child = Scope(c)
                    cur.children[c] = child
                    cur.entries.append(.scope(child))
                    cur = child
                }
                cur.count += 1
                cur.ops[op, default: 0] += 1
            }
            // Scopes from metadata are not part of the name: the label keeps the whole name.
            cur.entries.append(.node(i, consumed: torch == nil ? comps.count : 0))
        }
        emit(root, graph: gid, parent: parent, depth: depth, path: "")
    }

    private mutating func emit(_ scope: Scope, graph gid: Int, parent: Int32, depth: Int32, path: String) {
        let g = index.graph(gid)
        for e in scope.entries {
            switch e {
            case let .node(i, consumed):
                addNode(graph: gid, index: i, consumed: consumed, name: g.nodes[i].name, parent: parent, depth: depth)
            case var .scope(s):
                if s.count == 1, let (i, _) = s.singleNode {
                    // A group of one node is noise: show the node itself.
                    let consumedHere = path.isEmpty ? 0 : path.split(separator: "/").count
                    addNode(graph: gid, index: i, consumed: consumedHere, name: g.nodes[i].name, parent: parent, depth: depth)
                    continue
                }
                var label = s.name
                while s.entries.count == 1, case let .scope(only) = s.entries[0], only.count == s.count {
                    label += "/" + only.name
                    s = only
                }
                let full = path.isEmpty ? label : path + "/" + label
                let id = add(.scope(graph: gid, path: full), parent: parent, depth: depth, expandable: true, built: true)
                items[Int(id)].label = label
                items[Int(id)].nodeCount = Int32(s.count)
                items[Int(id)].opMix = s.ops.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
                emit(s, graph: gid, parent: id, depth: depth + 1, path: full)
            }
        }
    }

    private mutating func addNode(graph gid: Int, index i: Int, consumed: Int, name: String, parent: Int32, depth: Int32) {
        let ref = NodeRef(graph: gid, node: i)
        let n = index.graph(gid).nodes[i]
        let expandable = n.attributes.contains { !$0.value.graphs.isEmpty } || index.calledFunction(n) != nil
        let id = add(.node(ref), parent: parent, depth: depth, expandable: expandable, built: !expandable)
        if consumed > 0 { items[Int(id)].labelOffset = Int32(byteOffset(afterComponents: consumed, in: name)) }
    }

    /// Module scopes recorded by PyTorch's dynamo exporter, whose node names carry none
    /// ("node_view_1"): `pkg.torch.onnx.name_scopes` is a Python list of cumulative module paths
    /// ending with the node's own name, e.g. ['', 'transformer', 'transformer.h.0',
    /// 'transformer.h.0.attn', 'view_1'], which becomes transformer / h.0 / attn.
    static func torchScopes(_ n: Node) -> [String]? {
        guard let v = n.metadataProps.first(where: { $0.key == "pkg.torch.onnx.name_scopes" })?.value else { return nil }
        // The quoted strings of the list literal, in order.
        var items: [String] = []
        var quote: Character?
        var cur = ""
        for c in v {
            if let q = quote {
                if c == q { items.append(cur); cur = ""; quote = nil } else { cur.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
            }
        }
        guard items.count >= 2 else { return nil }
        var comps: [String] = []
        var prev = ""
        for p in items.dropLast() where !p.isEmpty {
            comps.append(!prev.isEmpty && p.hasPrefix(prev + ".") ? String(p.dropFirst(prev.count + 1)) : p)
            prev = p
        }
        return Array(comps.prefix(TreeModel.maxScopeDepth))
    }

    /// The scope part of a node name: components before the last, at most `maxScopeDepth`.
    func scopeComponents(_ name: String) -> [String] {
        guard name.utf8.contains(UInt8(ascii: "/")) else { return [] }
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count > 1 else { return [] }
        return parts.dropLast().prefix(TreeModel.maxScopeDepth).map(String.init)
    }

    /// UTF-8 offset just past the first `k` non-empty `/`-separated components (and their slash).
    func byteOffset(afterComponents k: Int, in name: String) -> Int {
        var seen = 0
        var inComponent = false
        for (i, b) in name.utf8.enumerated() {
            if b == UInt8(ascii: "/") {
                if inComponent { seen += 1; inComponent = false }
                if seen == k { return i + 1 }
            } else {
                inComponent = true
            }
        }
        return 0
    }

    /// Builds the children of an expandable item the first time they are needed.
    mutating func ensureBuilt(_ id: Int32) {
        let i = Int(id)
        guard !items[i].built else { return }
        items[i].built = true
        let depth = items[i].depth + 1
        switch items[i].kind {
        case let .node(ref):
            for sub in index.subgraphs(of: ref) {
                let s = add(.subgraph(graph: sub.graph), parent: id, depth: depth, expandable: true, built: false)
                items[Int(s)].label = sub.attribute
                items[Int(s)].nodeCount = Int32(index.graph(sub.graph).nodes.count)
            }
            if let f = index.calledFunction(index.node(ref)) {
                _ = buildGraphContent(graph: index.functionGraphID(f), parent: id, depth: depth)
            }
        case let .subgraph(g):
            _ = buildGraphContent(graph: g, parent: id, depth: depth)
        case let .function(f):
            _ = buildGraphContent(graph: index.functionGraphID(f), parent: id, depth: depth)
        default:
            break
        }
        if keep != nil, keep!.count < items.count { keep!.append(contentsOf: repeatElement(false, count: items.count - keep!.count)) }
    }

    // MARK: rows

    /// Recomputes the visible rows from the expansion state (and the filter).
    mutating func flatten() {
        var out: [Int32] = []
        out.reserveCapacity(rows.count)
        var stack: [Int32] = roots.reversed()
        let keep = self.keep
        while let id = stack.popLast() {
            let it = items[Int(id)]
            if let keep, !(Int(id) < keep.count && keep[Int(id)]) { continue }
            out.append(id)
            if (it.expanded || keep != nil) && it.built {
                for c in it.children.reversed() { stack.append(c) }
            }
        }
        rows = out
        rowOf = Array(repeating: -1, count: items.count)
        for (r, id) in out.enumerated() { rowOf[Int(id)] = Int32(r) }
    }

    func row(of id: Int32) -> Int? {
        let r = Int(id) < rowOf.count ? rowOf[Int(id)] : -1
        return r >= 0 ? Int(r) : nil
    }

    mutating func setExpanded(_ id: Int32, _ on: Bool) {
        guard items[Int(id)].expandable else { return }
        if on { ensureBuilt(id) }
        items[Int(id)].expanded = on
        flatten()
    }

    /// Expands `id` and everything below it (children built as needed), up to `limit` new items.
    mutating func expandAll(_ id: Int32, limit: Int = 200_000) {
        var stack = [id]
        let start = items.count
        while let cur = stack.popLast() {
            guard items[Int(cur)].expandable else { continue }
            ensureBuilt(cur)
            items[Int(cur)].expanded = true
            if items.count - start > limit { break }
            stack.append(contentsOf: items[Int(cur)].children)
        }
        flatten()
    }

    mutating func collapseAll(_ id: Int32) {
        var stack = [id]
        while let cur = stack.popLast() {
            items[Int(cur)].expanded = false
            stack.append(contentsOf: items[Int(cur)].children)
        }
        flatten()
    }

    /// Materialises and expands whatever is needed to show `kind`, returning its item.
    mutating func reveal(_ kind: ItemKind) -> Int32? {
        guard let id = materialise(kind) else { return nil }
        var p = items[Int(id)].parent
        while p >= 0 {
            items[Int(p)].expanded = true
            p = items[Int(p)].parent
        }
        if keep != nil { markKept(id) }
        flatten()
        return id
    }

    /// The item for `kind`, building the containers above it as needed (without flattening).
    mutating func materialise(_ kind: ItemKind) -> Int32? {
        if let id = itemFor[kind] { return id }
        let gid: Int
        switch kind {
        case let .node(ref): gid = ref.graph
        case let .input(g, _), let .output(g, _), let .initializer(g, _), let .section(_, g), let .scope(g, _): gid = g
        case let .subgraph(g):
            guard case let .subgraph(p, n, _, _) = index.kind(g), let parent = materialise(.node(NodeRef(graph: p, node: n))) else { return nil }
            ensureBuilt(parent)
            return itemFor[kind]
        case .function:
            return itemFor[kind]
        }
        guard let container = containerItem(of: gid) else { return nil }
        ensureBuilt(container)
        return itemFor[kind]
    }

    /// The item whose children are graph `gid`'s content (nil for the main graph, which is the root).
    private mutating func containerItem(of gid: Int) -> Int32? {
        switch index.kind(gid) {
        case .main, .training: return nil
        case .subgraph: return materialise(.subgraph(graph: gid))
        case let .function(f): return itemFor[.function(f)]
        }
    }

    // MARK: filter

    /// Shows only `matches` and their ancestors (nil: no filter).
    mutating func setFilter(_ matches: [ItemKind]?) {
        guard let matches else {
            keep = nil
            flatten()
            return
        }
        let ids = matches.compactMap { materialise($0) }
        keep = Array(repeating: false, count: items.count)
        for id in ids { markKept(id) }
        flatten()
    }

    private mutating func markKept(_ id: Int32) {
        guard keep != nil else { return }
        if keep!.count < items.count { keep!.append(contentsOf: repeatElement(false, count: items.count - keep!.count)) }
        var cur = id
        while cur >= 0 && !keep![Int(cur)] {
            keep![Int(cur)] = true
            cur = items[Int(cur)].parent
        }
    }

    public var isFiltered: Bool { keep != nil }
}

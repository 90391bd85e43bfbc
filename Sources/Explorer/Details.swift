import OnnxModel
import OnnxRuntime
import TerminalUI

/// Builds the details pane's lines for one tree item: pure, run once per selection (not per frame).
struct DetailsBuilder {
    let index: ModelIndex
    let theme: Theme
    let width: Int
    let glyphs: Glyphs
    var lines: [DetailLine] = []
    /// The debugging session, when there is one: runtime values and timings.
    var exec: ExecState?

    init(index: ModelIndex, theme: Theme, width: Int, glyphs: Glyphs) {
        self.index = index
        self.theme = theme
        self.width = max(10, width)
        self.glyphs = glyphs
    }

    private var keyWidth: Int { 10 }

    mutating func heading(_ spans: StyledLine) { lines.append(DetailLine(spans)) }

    mutating func section(_ title: String) {
        lines.append(DetailLine([]))
        lines.append(DetailLine([Span(title, theme.style("details.heading"))]))
    }

    mutating func field(_ key: String, _ value: String, style: String = "details.value", link: Link? = nil) {
        let k = Span(fit(key, width: keyWidth) + " ", theme.style("details.key"))
        let v = Span(value, theme.style(link == nil ? style : "details.link"))
        lines.append(DetailLine([Span(" ", theme.style("normal")), k, v], link: link))
    }

    /// Multi-line model text (doc strings): split on newlines, sanitised, wrapped under the key.
    mutating func text(_ key: String, _ value: String, style: String = "details.doc") {
        guard !value.isEmpty else { return }
        // Doc strings can be megabytes; the pane shows at most 200 lines of them.
        let capped = value.utf8.count > 65_536 ? String(value.prefix(65_536)) + " ..." : value
        let parts = sanitizeLines(capped)
        let indent = keyWidth + 2
        var first = true
        var shown = 0
        for p in parts {
            for w in wrap([Span(p, theme.style(style))], width: max(10, width - indent)) {
                if shown >= 200 {
                    lines.append(DetailLine([Span(String(repeating: " ", count: indent) + "... (\(parts.count) lines)", theme.style("dim"))]))
                    return
                }
                let lead = first ? [Span(" ", theme.style("normal")), Span(fit(key, width: keyWidth) + " ", theme.style("details.key"))]
                    : [Span(String(repeating: " ", count: indent), theme.style("normal"))]
                lines.append(DetailLine(lead + w))
                first = false
                shown += 1
            }
        }
    }

    mutating func linkLine(_ indent: Int, _ arrow: String, _ spans: StyledLine, link: Link?) {
        let lead = Span(String(repeating: " ", count: indent) + arrow + " ", theme.style("dim"))
        lines.append(DetailLine([lead] + spans, link: link))
    }

    mutating func metadata(_ props: [StringPair]) {
        for p in props.prefix(200) { field(p.key, p.value) }
        if props.count > 200 { field("...", "\(props.count) entries") }
    }

    // MARK: per kind

    mutating func build(_ kind: ItemKind?, item: TreeItem? = nil) {
        guard let kind else {
            heading([Span("Nothing selected", theme.style("dim"))])
            return
        }
        switch kind {
        case let .node(ref): node(ref)
        case let .input(g, i): graphInput(g, i)
        case let .output(g, i): graphOutput(g, i)
        case let .initializer(g, i): initializer(g, i)
        case let .section(s, g): sectionSummary(s, g)
        case let .scope(g, path): scope(g, path, count: Int(item?.nodeCount ?? 0), mix: item?.opMix ?? [])
        case let .subgraph(g): subgraph(g)
        case let .function(f): function(f)
        }
    }

    /// The opset the node's domain is imported at (a function's own imports inside its body).
    func importedOpset(for node: Node, graph: Int) -> Int? {
        let domain = OpsetImport.canonicalDomain(node.domain)
        var imports = index.model.opsetImports
        if case let .function(f) = index.kind(graph), !index.model.functions[f].opsetImports.isEmpty {
            imports = index.model.functions[f].opsetImports
        }
        return imports.last(where: { OpsetImport.canonicalDomain($0.domain) == domain }).map { Int($0.version) }
    }

    func opset(for node: Node, graph: Int) -> String {
        let domain = OpsetImport.canonicalDomain(node.domain)
        if let v = importedOpset(for: node, graph: graph) { return "\(v)  (\(domain.isEmpty ? "ai.onnx" : domain) import)" }
        return "not imported"
    }

    /// Which implementation the interpreter picks for the node: the op version in force at the
    /// imported opset can be older than the import (Relu at opset 17 is Relu-14).
    mutating func kernelField(_ node: Node, graph: Int) {
        guard index.calledFunction(node) == nil, let opset = importedOpset(for: node, graph: graph) else { return }
        let domain = OpsetImport.canonicalDomain(node.domain)
        switch OpRegistry.standard.resolve(domain: domain, opType: node.opType, opset: opset) {
        case let .found(since, _):
            field("kernel", "\(node.opType)-\(since)")
        case .unknownOp, .noVersion:
            if OpRegistry.standard.canRun(domain: domain, opType: node.opType, opset: opset) {
                field("kernel", "none: runs its ONNX function body")
            } else {
                field("kernel", "not supported: a run stops here", style: "error")
            }
        }
    }

    func nodeLabel(_ ref: NodeRef) -> StyledLine {
        let n = index.node(ref)
        return [Span(n.opType, theme.style("tree.op")), Span(" " + n.displayName(index: ref.node), theme.style("tree.name"))]
    }

    mutating func node(_ ref: NodeRef) {
        let n = index.node(ref)
        heading([Span(n.opType, theme.style("tree.op")), Span("  " + n.displayName(index: ref.node), theme.style("details.value").with(attributes: .bold))])
        field("domain", n.domain.isEmpty ? "ai.onnx (default)" : n.domain)
        field("opset", opset(for: n, graph: ref.graph))
        kernelField(n, graph: ref.graph)
        if !n.name.isEmpty { field("name", n.name) } else { field("name", "(unnamed)", style: "dim") }
        if !n.overload.isEmpty { field("overload", n.overload) }
        if let f = index.calledFunction(n) {
            field("calls", "function " + index.model.functions[f].qualifiedName, link: .item(.function(f)))
        }
        if ref.graph != 0 {
            switch index.kind(ref.graph) {
            case .subgraph: field("in", index.graphLabel(ref.graph), link: .item(.subgraph(graph: ref.graph)))
            case let .function(f): field("in", index.graphLabel(ref.graph), link: .item(.function(f)))
            default: field("in", index.graphLabel(ref.graph))
            }
        }
        text("doc", n.docString)
        runInfo(ref)
        if !n.metadataProps.isEmpty {
            section("Metadata (\(n.metadataProps.count))")
            metadata(n.metadataProps)
        }

        section("Attributes (\(n.attributes.count))")
        if n.attributes.isEmpty { lines.append(DetailLine([Span("  none", theme.style("dim"))])) }
        let aw = min(20, max(keyWidth, n.attributes.map { displayWidth(sanitize($0.name)) }.max() ?? 0))
        for (ai, a) in n.attributes.enumerated() {
            let type = Span(fit(a.type.name, width: 8) + " ", theme.style("details.type"))
            let name = Span(" " + fit(a.name, width: aw) + " ", theme.style("details.key"))
            if !a.refAttrName.isEmpty {
                lines.append(DetailLine([name, type, Span("= function attribute '\(a.refAttrName)'", theme.style("details.value"))]))
                continue
            }
            switch a.value {
            case .tensor, .sparseTensor:
                lines.append(DetailLine([name, type, Span(Fmt.attribute(a.value), theme.style("details.link"))],
                                        link: .tensor(.attribute(ref, attribute: ai, element: 0))))
            case let .tensors(ts):
                lines.append(DetailLine([name, type, Span("\(ts.count) tensors", theme.style("details.value"))]))
                for (k, t) in ts.prefix(100).enumerated() {
                    linkLine(aw + 12, "[\(k)]", [Span(Fmt.tensorSummary(t), theme.style("details.link"))], link: .tensor(.attribute(ref, attribute: ai, element: k)))
                }
            case let .graph(g):
                let id = index.subgraphID(parent: ref.graph, node: ref.node, attribute: a.name, position: 0)
                lines.append(DetailLine([name, type, Span("graph '\(g.name)' (\(Fmt.plural(g.nodes.count, "node")))", theme.style("details.link"))],
                                        link: id.map { .item(.subgraph(graph: $0)) }))
            case let .graphs(gs):
                lines.append(DetailLine([name, type, Span("\(gs.count) graphs", theme.style("details.value"))]))
                for (k, g) in gs.prefix(100).enumerated() {
                    let id = index.subgraphID(parent: ref.graph, node: ref.node, attribute: a.name, position: k)
                    linkLine(aw + 12, "[\(k)]", [Span("graph '\(g.name)' (\(Fmt.plural(g.nodes.count, "node")))", theme.style("details.link"))],
                             link: id.map { .item(.subgraph(graph: $0)) })
                }
            default:
                let v = Fmt.attribute(a.value)
                let wrapped = wrap([Span(v, theme.style("details.value"))], width: max(10, width - aw - 12))
                for (k, w) in wrapped.prefix(20).enumerated() {
                    lines.append(DetailLine(k == 0 ? [name, type] + w : [Span(String(repeating: " ", count: aw + 11))] + w))
                }
            }
        }

        section("Inputs (\(n.inputs.count))")
        for (k, name) in n.inputs.enumerated() { tensorLine(k, name, graph: ref.graph, direction: .input, node: ref) }
        section("Outputs (\(n.outputs.count))")
        for (k, name) in n.outputs.enumerated() { tensorLine(k, name, graph: ref.graph, direction: .output, node: ref) }
    }

    /// The node's part in the session: time, runs, where it last ran, failures, reference.
    mutating func runInfo(_ ref: NodeRef) {
        guard let e = exec else { return }
        let isNext = e.next == ref
        let r = e.records[ref]
        let bp = e.hasBreakpoint(ref)
        guard r != nil || isNext || bp else { return }
        section("Session")
        if isNext { field("next", "runs next (s steps" + (ref.graph != 0 ? ", o steps out" : "") + ")", style: "info") }
        if bp { field("breakpoint", "stops before this node (b removes it)", style: "error") }
        guard let r else { return }
        if let f = r.failed { field("failed", f, style: "error") }
        if r.runs > 0 {
            var t = Fmt.duration(r.nanoseconds)
            if r.runs > 1 { t += "  (\(r.runs) runs, \(Fmt.duration(r.totalNanoseconds)) in all)" }
            field("ran in", t, style: "ok")
            if !r.frame.isEmpty { field("last run", r.path) }
        }
        if let d = r.diff {
            field("reference", DebugEngine.diffText(d, rtol: e.rtol, atol: e.atol), style: d.exceeds ? "warning" : "ok")
        }
    }

    enum Direction { case input, output }

    mutating func tensorLine(_ k: Int, _ name: String, graph: Int, direction: Direction, node: NodeRef? = nil) {
        if name.isEmpty {
            lines.append(DetailLine([Span(" \(k) ", theme.style("details.key")), Span("(absent optional)", theme.style("dim"))]))
            return
        }
        let type = index.type(of: name, in: graph)
        lines.append(DetailLine([Span(" \(k) ", theme.style("details.key")), Span(name, theme.style("details.value")),
                                 Span("  " + Fmt.type(type), theme.style("details.type"))]))
        if let e = exec, let node, let spec = e.valueSpec(index, node, output: direction == .output, k) {
            var spans: StyledLine = []
            if direction == .output, let r = e.records[node], k < r.outputs.count, let v = r.outputs[k] {
                spans.append(Span(v.text, theme.style("details.link")))
                if let sp = Fmt.specials(v) { spans.append(Span(" " + sp, theme.style("tensor.special"))) }
                if let lo = v.min, let hi = v.max { spans.append(Span(" in [\(Fmt.g(lo, 4)), \(Fmt.g(hi, 4))]", theme.style("details.value"))) }
            } else {
                spans.append(Span("value", theme.style("details.link")))
            }
            linkLine(3, "=", spans, link: .tensor(.runtime(spec)))
        }
        switch direction {
        case .input: sourceLine(name, graph: graph, indent: 3)
        case .output: usersLines(name, graph: graph, indent: 3, except: node)
        }
    }

    mutating func sourceLine(_ name: String, graph: Int, indent: Int) {
        switch index.source(of: name, in: graph) {
        case let .graphInput(g, i):
            linkLine(indent, glyphs.backArrow, [Span("graph input " + (g != graph ? "(outer scope) " : ""), theme.style("dim")), Span(name, theme.style("details.link"))], link: .item(.input(graph: g, index: i)))
        case let .initializer(g, i):
            linkLine(indent, glyphs.backArrow, [Span("initializer " + (g != graph ? "(outer scope) " : ""), theme.style("dim")), Span(name, theme.style("details.link"))], link: .item(.initializer(graph: g, index: i)))
        case let .node(ref, out):
            var label = nodeLabel(ref).map { Span($0.text, theme.style("details.link")) }
            if out > 0 { label.append(Span(" output \(out)", theme.style("dim"))) }
            if ref.graph != graph { label.append(Span(" (outer scope)", theme.style("dim"))) }
            linkLine(indent, glyphs.backArrow, label, link: .item(.node(ref)))
        case .unknown:
            linkLine(indent, glyphs.backArrow, [Span("not produced in this graph", theme.style("warning"))], link: nil)
        }
    }

    mutating func usersLines(_ name: String, graph: Int, indent: Int, except: NodeRef? = nil) {
        let users = index.consumers(of: name, in: graph)
        for u in users.prefix(500) {
            linkLine(indent, glyphs.arrow, nodeLabel(u).map { Span($0.text, theme.style("details.link")) }, link: .item(.node(u)))
        }
        if users.count > 500 { linkLine(indent, glyphs.arrow, [Span("... \(users.count - 500) more", theme.style("dim"))], link: nil) }
        if let o = index.graphOutputIndex(of: name, in: graph) {
            linkLine(indent, glyphs.arrow, [Span("graph output ", theme.style("dim")), Span(name, theme.style("details.link"))], link: .item(.output(graph: graph, index: o)))
        }
        if users.isEmpty && index.graphOutputIndex(of: name, in: graph) == nil {
            linkLine(indent, glyphs.arrow, [Span("unused", theme.style("dim"))], link: nil)
        }
    }

    mutating func graphInput(_ g: Int, _ i: Int) {
        let v = index.graph(g).inputs[i]
        heading([Span("Graph input  ", theme.style("tree.input")), Span(v.name, theme.style("details.value").with(attributes: .bold))])
        field("type", Fmt.type(v.type), style: "details.type")
        if let d = v.type?.denotation, !d.isEmpty { field("denotation", d) }
        if g != 0 { field("graph", index.graphLabel(g)) }
        text("doc", v.docString)
        metadata(v.metadataProps)
        if let t = index.graphs[g].initializerIndex[v.name] {
            field("default", "initializer " + v.name, link: .item(.initializer(graph: g, index: t)))
        }
        section("Used by")
        usersLines(v.name, graph: g, indent: 1)
    }

    mutating func graphOutput(_ g: Int, _ i: Int) {
        let v = index.graph(g).outputs[i]
        heading([Span("Graph output  ", theme.style("tree.output")), Span(v.name, theme.style("details.value").with(attributes: .bold))])
        field("type", Fmt.type(v.type ?? index.type(of: v.name, in: g)), style: "details.type")
        if g != 0 { field("graph", index.graphLabel(g)) }
        text("doc", v.docString)
        metadata(v.metadataProps)
        section("Produced by")
        sourceLine(v.name, graph: g, indent: 1)
    }

    mutating func initializer(_ g: Int, _ i: Int) {
        let t = index.graph(g).initializers[i]
        heading([Span("Initializer  ", theme.style("tree.initializer")), Span(t.name, theme.style("details.value").with(attributes: .bold))])
        field("type", t.typeText, style: "details.type")
        field("elements", t.elementCount.map(Fmt.grouped) ?? "invalid shape")
        field("bytes", Fmt.bytes(t.expectedByteCount ?? t.storedByteCount))
        field("storage", storageText(t))
        if case let .external(ref) = t.payload {
            field("location", ref.location)
            if let o = ref.offset { field("offset", o) }
            if let l = ref.length { field("length", l) }
        }
        if g != 0 { field("graph", index.graphLabel(g)) }
        if index.graphs[g].inputIndex[t.name] != nil { field("graph input", "also declared as an input: a caller may override it") }
        text("doc", t.docString)
        metadata(t.metadataProps)
        lines.append(DetailLine([]))
        lines.append(DetailLine([Span(" " + glyphs.arrow + " ", theme.style("dim")), Span("open the tensor view (values, stats, histogram)", theme.style("details.link"))],
                                link: .tensor(.initializer(graph: g, index: i))))
        section("Used by")
        usersLines(t.name, graph: g, indent: 1)
    }

    func storageText(_ t: TensorData) -> String {
        switch t.payload {
        case .none: return "no data"
        case .raw: return "raw_data in the model file"
        case let .typed(f): return f.kind.protoName
        case .strings: return "string_data"
        case .external: return "external data file"
        }
    }

    mutating func sectionSummary(_ s: SectionKind, _ g: Int) {
        let gr = index.graph(g)
        switch s {
        case .inputs:
            heading([Span("Inputs of \(index.graphLabel(g))", theme.style("tree.group"))])
            field("count", String(gr.inputs.count))
        case .outputs:
            heading([Span("Outputs of \(index.graphLabel(g))", theme.style("tree.group"))])
            field("count", String(gr.outputs.count))
        case .initializers:
            heading([Span("Initializers of \(index.graphLabel(g))", theme.style("tree.group"))])
            field("count", Fmt.grouped(gr.initializers.count))
            let params = gr.initializers.reduce(0) { $0 + ($1.elementCount ?? 0) }
            let bytes = gr.initializers.reduce(0) { $0 + ($1.expectedByteCount ?? $1.storedByteCount) }
            field("elements", Fmt.grouped(params))
            field("bytes", Fmt.bytes(bytes))
            let external = gr.initializers.filter(\.isExternal).count
            if external > 0 { field("external", "\(external) tensors") }
        case .functions:
            heading([Span("Model-local functions", theme.style("tree.group"))])
            field("count", String(index.model.functions.count))
            for (i, f) in index.model.functions.enumerated().prefix(200) {
                field("", f.qualifiedName + "  (\(Fmt.plural(f.nodes.count, "node")))", link: .item(.function(i)))
            }
        }
    }

    mutating func scope(_ g: Int, _ path: String, count: Int, mix: [(String, Int)]) {
        heading([Span("Scope  ", theme.style("dim")), Span(path + "/", theme.style("tree.group"))])
        field("nodes", Fmt.grouped(count))
        if g != 0 { field("graph", index.graphLabel(g)) }
        section("Op types (\(mix.count))")
        for (op, c) in mix.prefix(200) {
            lines.append(DetailLine([Span(" " + fit(Fmt.grouped(c), width: 8, alignRight: true) + "  ", theme.style("details.value")), Span(op, theme.style("tree.op"))]))
        }
    }

    mutating func subgraph(_ g: Int) {
        let gr = index.graph(g)
        heading([Span("Subgraph  ", theme.style("tree.subgraph")), Span(index.graphLabel(g), theme.style("details.value").with(attributes: .bold))])
        field("name", gr.name)
        field("nodes", "\(Fmt.grouped(gr.nodes.count)) (\(Fmt.grouped(gr.totalNodeCount)) with nested graphs)")
        if case let .subgraph(p, n, _, _) = index.kind(g) {
            field("owner", index.node(NodeRef(graph: p, node: n)).opType + " " + index.node(NodeRef(graph: p, node: n)).displayName(index: n),
                  link: .item(.node(NodeRef(graph: p, node: n))))
        }
        text("doc", gr.docString)
        metadata(gr.metadataProps)
        section("Inputs (\(gr.inputs.count))")
        for (i, v) in gr.inputs.enumerated() { field(" \(i)", v.name + "  " + Fmt.type(v.type), link: .item(.input(graph: g, index: i))) }
        section("Outputs (\(gr.outputs.count))")
        for (i, v) in gr.outputs.enumerated() { field(" \(i)", v.name + "  " + Fmt.type(v.type ?? index.type(of: v.name, in: g)), link: .item(.output(graph: g, index: i))) }
    }

    mutating func function(_ f: Int) {
        let fn = index.model.functions[f]
        heading([Span("Function  ", theme.style("tree.function")), Span(fn.qualifiedName, theme.style("details.value").with(attributes: .bold))])
        field("domain", fn.domain)
        field("name", fn.name)
        if !fn.overload.isEmpty { field("overload", fn.overload) }
        field("nodes", Fmt.grouped(fn.nodes.count))
        field("inputs", fn.inputs.joined(separator: ", "))
        field("outputs", fn.outputs.joined(separator: ", "))
        if !fn.attributeNames.isEmpty { field("attributes", fn.attributeNames.joined(separator: ", ")) }
        for a in fn.attributeDefaults { field("  " + a.name, "default " + Fmt.attribute(a.value)) }
        field("opsets", fn.opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : $0.domain) \($0.version)" }.joined(separator: ", "))
        text("doc", fn.docString)
        if !fn.metadataProps.isEmpty {
            section("Metadata (\(fn.metadataProps.count))")
            metadata(fn.metadataProps)
        }
    }
}

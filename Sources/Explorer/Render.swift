import OnnxModel
import TerminalUI

/// Draws the whole screen for `s`. Pure: the same state always gives the same buffer, and only
/// the rows in view are formatted.
public func render(_ s: AppState) -> ScreenBuffer {
    let t = s.theme
    var b = ScreenBuffer(width: s.width, height: s.height, style: t.style("normal"))
    let l = s.layout
    if l.tooSmall {
        renderTooSmall(&b, s)
        return b
    }
    renderTitle(&b, s)
    switch s.screen {
    case .main:
        renderTree(&b, s)
        b.drawVerticalLine(x: l.separatorX, y: l.body.y, length: l.body.height, style: t.style("border"), glyphs: s.glyphs)
        renderDetails(&b, s)
    case let .tensor(tv):
        renderTensor(&b, s, tv)
    case .metadata:
        renderMetadata(&b, s)
    case .provenance:
        renderProvenance(&b, s)
    }
    if s.inputsDialog != nil { renderInputsDialog(&b, s) }
    if s.breakMenu { renderBreakMenu(&b, s) }
    renderFooter(&b, s)
    if let off = s.helpOffset { renderHelp(&b, s, offset: off) }
    return b
}

func renderTooSmall(_ b: inout ScreenBuffer, _ s: AppState) {
    let msg = ["Terminal too small: \(s.width)x\(s.height)", "(need at least \(Layout.minWidth)x\(Layout.minHeight))", "q quits"]
    let y0 = max(0, s.height / 2 - 1)
    for (i, m) in msg.enumerated() where y0 + i < s.height {
        let w = displayWidth(m)
        b.drawSanitized(m, x: max(0, (s.width - w) / 2), y: y0 + i, style: s.theme.style(i == 0 ? "error" : "normal"))
    }
}

func renderTitle(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let m = s.index.model
    let file = m.source.path.split(separator: "/").last.map(String.init) ?? m.source.path
    let opsets = m.opsetImports.map { ($0.domain.isEmpty || $0.domain == "ai.onnx" ? "" : $0.domain + " ") + String($0.version) }.joined(separator: ", ")
    var left: StyledLine = [Span(" onnx-explorer ", t.style("title.accent")), Span(" " + file, t.style("title").with(attributes: .bold)),
                            Span("  IR \(m.irVersion)  opset \(opsets.isEmpty ? "none" : opsets)", t.style("title"))]
    if !m.producerName.isEmpty {
        left.append(Span("  " + m.producerName + (m.producerVersion.isEmpty ? "" : " " + m.producerVersion), t.style("title")))
    }
    let sum = s.index.summary
    let nodes = Fmt.plural(sum.nodeCount, "node") + (sum.totalNodeCount != sum.nodeCount ? " (\(Fmt.grouped(sum.totalNodeCount)) total)" : "") + " "
    guard s.exec.active else {
        Bar.render(into: &b, rect: s.layout.titleBar, left: left, right: [Span(nodes, t.style("title"))], style: t.style("title"), glyphs: s.glyphs)
        return
    }
    // While debugging the session's status takes the right side; the model details give way first.
    let base = Array(left.prefix(2))
    let long = execStatus(s, compact: false), short = execStatus(s, compact: true)
    var choice = (base, short)
    for (l, r) in [(left, long), (base, long)] where displayWidth(l) + 1 + displayWidth(r) <= s.width {
        choice = (l, r)
        break
    }
    Bar.render(into: &b, rect: s.layout.titleBar, left: choice.0, right: choice.1, style: t.style("title"), glyphs: s.glyphs)
}

// MARK: tree

func renderTree(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let l = s.layout
    let focused = s.focus == .tree
    var title: StyledLine = [Span(" Graph", t.style(focused ? "pane.title.focused" : "pane.title"))]
    if let f = s.filterText { title.append(Span("  filter /\(f)/", t.style("search.match"))) }
    let pos = s.tree.count == 0 ? "0/0 " : "\(Fmt.grouped(s.treeList.selected + 1))/\(Fmt.grouped(s.tree.count)) "
    Bar.render(into: &b, rect: l.tree.row(0), left: title, right: [Span(pos, t.style("dim"))], style: t.style("normal"), glyphs: s.glyphs)
    let style = ListStyle(normal: t.style("normal"), selected: t.overlay(focused ? "tree.selected" : "tree.selected.unfocused"),
                          scrollTrack: t.style("scrollbar"), scrollThumb: t.style("scrollbar.thumb"))
    let currentMatch: ItemKind? = s.search.flatMap { $0.current < $0.matches.count ? $0.matches[$0.current] : nil }
    ListView.render(into: &b, rect: l.treeBody, count: s.tree.count, state: s.treeList, style: style, glyphs: s.glyphs) { r in
        let it = s.tree.item(atRow: r)
        let marker: TreeRow.Marker = !it.expandable ? .leaf : (it.expanded || (s.tree.isFiltered && it.built) ? .expanded : .collapsed)
        var spans = treeSpans(s, it)
        if let search = s.search {
            let style = t.overlay(it.kind == currentMatch ? "search.current" : "search.match")
            spans = spans.flatMap { $0.text.isEmpty || $0.style == t.style("tree.marker") ? [$0] : highlight($0, search.pattern, style) }
        }
        return TreeRow(depth: Int(it.depth), marker: marker, spans: spans).line(glyphs: s.glyphs, markerStyle: t.style("tree.marker"))
    }
}

/// The text of one tree row (after indentation and marker).
func treeSpans(_ s: AppState, _ it: TreeItem) -> StyledLine {
    let t = s.theme
    let ix = s.index
    let arrow = " " + s.glyphs.arrow + " "
    switch it.kind {
    case let .section(kind, g):
        let gr = ix.graph(g)
        switch kind {
        case .inputs:
            let backed = gr.inputs.count - it.children.count
            let note = backed > 0 ? ", \(Fmt.grouped(backed)) more with initializers" : ""
            return [Span("Inputs", t.style("tree.group")), Span(" (\(it.children.count)\(note))", t.style("tree.count"))]
        case .outputs: return [Span("Outputs", t.style("tree.group")), Span(" (\(gr.outputs.count))", t.style("tree.count"))]
        case .initializers:
            return [Span("Initializers", t.style("tree.group")),
                    Span(" (\(Fmt.grouped(gr.initializers.count)), " + Fmt.bytes(it.bytes) + ")", t.style("tree.count"))]
        case .functions:
            return [Span("Functions", t.style("tree.group")), Span(" (\(ix.model.functions.count))", t.style("tree.count"))]
        }
    case .scope:
        var out: StyledLine = [Span(it.label + "/", t.style("tree.group")), Span("  " + Fmt.plural(Int(it.nodeCount), "node"), t.style("tree.count"))]
        if !it.expanded || !it.built { out.append(Span(" \(s.glyphs.dot) " + Fmt.opMix(it.opMix), t.style("tree.count"))) }
        return out
    case let .node(ref):
        let n = ix.node(ref)
        let isCall = ix.calledFunction(n) != nil
        var label = n.name
        if it.labelOffset > 0 {
            let u = n.name.utf8
            label = String(decoding: u[u.index(u.startIndex, offsetBy: min(Int(it.labelOffset), u.count))...], as: UTF8.self)
        }
        var out: StyledLine = []
        let record = s.exec.records[ref]
        if s.exec.next == ref {
            out.append(Span((s.glyphs.unicode ? "▶" : ">") + " ", t.style("info.current").with(attributes: .bold)))
        } else if s.exec.hasBreakpoint(ref) {
            out.append(Span((s.glyphs.unicode ? "●" : "*") + " ", t.style("error.breakpoint")))
        } else if record?.failed != nil {
            out.append(Span((s.glyphs.unicode ? "✗" : "x") + " ", t.style("error")))
        }
        out.append(Span(n.qualifiedOpType, t.style(isCall ? "tree.function" : "tree.op")))
        if label.isEmpty {
            out.append(Span(" #\(ref.node)", t.style("dim")))
        } else {
            out.append(Span(" " + label, t.style("tree.name")))
        }
        if let k = n.outputs.firstIndex(where: { !$0.isEmpty }) {
            out.append(Span(arrow, t.style("dim")))
            let declared = ix.type(of: n.outputs[k], in: ref.graph)
            if declared == nil, let r = record, k < r.outputs.count, let v = r.outputs[k] {
                out.append(Span(v.text, t.style("tree.shape.runtime").with(attributes: .italic)))
            } else {
                out.append(Span(Fmt.type(declared), t.style("tree.shape")))
            }
            if n.outputs.count > 1 { out.append(Span(" +\(n.outputs.count - 1)", t.style("dim"))) }
        }
        if let r = record { out += execBadges(s, r) }
        return out
    case let .input(g, i):
        let v = ix.graph(g).inputs[i]
        return [Span(v.name, t.style("tree.input")), Span("  " + Fmt.type(v.type), t.style("tree.shape"))]
    case let .output(g, i):
        let v = ix.graph(g).outputs[i]
        return [Span(v.name, t.style("tree.output")), Span("  " + Fmt.type(v.type ?? ix.type(of: v.name, in: g)), t.style("tree.shape"))]
    case let .initializer(g, i):
        let x = ix.graph(g).initializers[i]
        return [Span(x.name, t.style("tree.initializer")), Span("  " + x.typeText, t.style("tree.shape")),
                Span("  " + Fmt.bytes(x.expectedByteCount ?? x.storedByteCount), t.style("tree.count"))]
    case let .subgraph(g):
        let gr = ix.graph(g)
        return [Span(it.label, t.style("tree.subgraph")), Span(" graph '\(gr.name)'", t.style("tree.name")),
                Span("  " + Fmt.plural(gr.nodes.count, "node"), t.style("tree.count"))]
    case let .function(f):
        let fn = ix.model.functions[f]
        return [Span(fn.qualifiedName, t.style("tree.function")), Span("  " + Fmt.plural(fn.nodes.count, "node"), t.style("tree.count"))]
    }
}

/// Splits a span so the parts matching `pattern` carry `overlay`.
func highlight(_ span: Span, _ pattern: Pattern, _ overlay: Style) -> [Span] {
    let ranges = pattern.ranges(in: span.text)
    guard !ranges.isEmpty else { return [span] }
    let u = Array(span.text.utf8)
    var out: [Span] = []
    var pos = 0
    for r in ranges where r.lowerBound >= pos {
        if r.lowerBound > pos { out.append(Span(String(decoding: u[pos..<r.lowerBound], as: UTF8.self), span.style)) }
        out.append(Span(String(decoding: u[r], as: UTF8.self), span.style.patched(with: overlay)))
        pos = r.upperBound
    }
    if pos < u.count { out.append(Span(String(decoding: u[pos...], as: UTF8.self), span.style)) }
    return out
}

// MARK: details

func renderDetails(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let l = s.layout
    let focused = s.focus == .details
    let links = s.details.lazy.filter { $0.link != nil }.count
    Bar.render(into: &b, rect: l.details.row(0), left: [Span(" Details", t.style(focused ? "pane.title.focused" : "pane.title"))],
               right: links > 0 ? [Span(Fmt.plural(links, "link") + " ", t.style("dim"))] : [], style: t.style("normal"), glyphs: s.glyphs)
    let style = ListStyle(normal: t.style("normal"), selected: t.overlay("tree.selected"), scrollTrack: t.style("scrollbar"), scrollThumb: t.style("scrollbar.thumb"))
    ListView.render(into: &b, rect: l.detailsBody, count: s.details.count, state: s.detailsList, style: style, glyphs: s.glyphs, showSelection: focused) { r in
        s.details[r].spans
    }
}

// MARK: footer

func renderFooter(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let r = s.layout.footer
    b.fill(r, style: t.style("footer"))
    if let p = s.prompt {
        let label: String
        switch p.kind {
        case .search: label = "/"
        case .jump: label = ":"
        case .filter: label = "filter: "
        default: label = debugPromptLabel(p.kind)
        }
        var x = b.drawSanitized(label, x: r.x, y: r.y, style: t.style("prompt"), clip: r)
        // Show the end of long input.
        let text = sanitize(p.text)
        let room = max(1, r.width / 2 - x)
        var shown = text
        while displayWidth(shown) > room - 1, !shown.isEmpty { shown.removeFirst() }
        x = b.drawSanitized(shown, x: x, y: r.y, style: t.style("prompt.input"), clip: r)
        b.cursor = Position(x: min(x, r.maxX - 1), y: r.y)
        var hint: StyledLine
        switch p.kind {
        case .search: hint = [Span("  regex over names, op types, tensors, attributes \(s.glyphs.dot) Enter search \(s.glyphs.dot) Esc cancel", t.style("prompt.completion"))]
        case .filter: hint = [Span("  regex \(s.glyphs.dot) Enter filters (empty clears) \(s.glyphs.dot) Esc cancel", t.style("prompt.completion"))]
        case .jump:
            hint = [Span("  \(Fmt.plural(p.completionCount, "match"))", t.style("prompt.completion"))]
            if p.completionCount > 0 && !p.text.isEmpty { hint.append(Span(": " + p.completions.joined(separator: "  "), t.style("prompt.completion"))) }
            if p.completionCount > 1 { hint.append(Span(" \(s.glyphs.dot) Tab completes", t.style("prompt.completion"))) }
        case .breakpoint:
            hint = [Span("  op type, nan, inf, abs>X, diff, node:NAME or PATH", t.style("prompt.completion"))]
            if p.completionCount > 0 && !p.text.isEmpty { hint = [Span("  " + p.completions.joined(separator: "  ") + " \(s.glyphs.dot) Tab completes", t.style("prompt.completion"))] }
        default:
            hint = [Span("  " + debugPromptHint(p.kind) + " \(s.glyphs.dot) Enter \(s.glyphs.dot) Esc cancels", t.style("prompt.completion"))]
        }
        b.draw(hint, x: x + 1, y: r.y, clip: r, glyphs: s.glyphs)
        return
    }
    var x = r.x + 1
    if let m = s.message {
        x = b.draw([Span(m.text, t.style(m.isError ? "footer.error" : "footer.message"))], x: x, y: r.y, clip: r, glyphs: s.glyphs) + 2
    }
    var right = ""
    if let search = s.search, !search.matches.isEmpty, s.message == nil {
        right = "/\(search.pattern.source)/ \(search.current + 1)/\(search.matches.count) "
    }
    let rightWidth = displayWidth(sanitize(right))
    if !right.isEmpty { b.draw(right, x: r.maxX - rightWidth, y: r.y, style: t.style("footer"), clip: r) }
    var hints: [KeyHint]
    if s.helpOffset != nil {
        hints = [KeyHint(key: "Esc", label: "close help"), KeyHint(key: "j/k", label: "scroll")]
    } else if s.inputsDialog != nil || s.breakMenu {
        // Modal: only the dialog's own keys work.
        let ctx = s.inputsDialog != nil ? Context.inputs : Context.breakpoints
        let own = Set(s.keymap.bindings.filter { $0.context == ctx }.map(\.action))
        hints = s.keymap.hints(for: [ctx], unicode: s.capabilities.unicode) { own.contains($0) }
    } else {
        let own = Set(s.keymap.bindings.filter { s.contexts.contains($0.context) }.map(\.action))
        hints = s.keymap.hints(for: s.contexts, unicode: s.capabilities.unicode) { c in
            if case .main = s.screen { return true }
            // Pane and tree commands do nothing on the other screens (their own keys always show).
            return own.contains(c) || ![.focusNext, .openFilter, .back, .step, .continueRun, .toggleBreakpoint].contains(c)
        }
        if s.exec.isRunning { hints.insert(KeyHint(key: "Esc", label: "interrupt"), at: 0) }
    }
    KeyHintsView.render(into: &b, x: x, y: r.y, maxX: r.maxX - rightWidth - 1, hints: hints, keyStyle: t.style("footer.key"), labelStyle: t.style("footer"), glyphs: s.glyphs)
}

// MARK: help

extension AppState {
    /// The help overlay's lines, generated from the keymap.
    func helpLines() -> [StyledLine] {
        let t = theme
        var out: [StyledLine] = []
        let names = [Context.tree: "Graph tree", Context.details: "Details pane", Context.tensor: "Tensor view",
                     Context.metadata: "Metadata screen", Context.provenance: "Provenance screen (p)",
                     Context.inputs: "Inputs dialog (i)", Context.breakpoints: "Breakpoints menu (!)", Context.global: "Everywhere"]
        for sec in keymap.helpSections(unicode: capabilities.unicode) {
            if !out.isEmpty { out.append([]) }
            out.append([Span(names[sec.context] ?? sec.context, t.style("help.heading"))])
            for row in sec.rows {
                out.append([Span("  " + fit(row.keys, width: 16) + " ", t.style("help.key")), Span(row.help, t.style("help.text"))])
            }
        }
        out.append([])
        out.append([Span("Mouse: click selects (click the marker to expand), wheel scrolls; click a selected link to follow it.", t.style("help.text"))])
        out.append([])
        let u = capabilities.unicode
        for line in ["Debugging: the first s or c starts a session with the inputs chosen with i",
                     "(seeded random by default). The tree marks what ran: time, NaN/Inf, and",
                     "differences from the reference; \(u ? "▶" : ">") is the next node, \(u ? "●" : "*") a breakpoint.",
                     "The = lines of the details pane and t open the values a node read and wrote.",
                     "Runs go on in the background: keys keep working, Esc or C-c interrupts."] {
            out.append([Span(line, t.style("help.text"))])
        }
        return out
    }
}

func renderHelp(_ b: inout ScreenBuffer, _ s: AppState, offset: Int) {
    let t = s.theme
    let area = s.layout.body
    let box = area.centered(width: min(area.width - 2, 84), height: area.height)
    b.fill(box, style: t.style("overlay"))
    b.drawBox(box, style: t.style("overlay.border"), glyphs: s.glyphs, title: [Span("Keys", t.style("overlay.border").with(attributes: .bold))])
    let inner = box.inset(top: 1, left: 2, bottom: 1, right: 1)
    let lines = s.helpLines().map { $0.map { Span($0.text, t.style("overlay").patched(with: $0.style)) } }
    TextView.render(into: &b, rect: inner, lines: lines, offset: offset,
                    style: ListStyle(normal: t.style("overlay"), scrollTrack: t.style("overlay"), scrollThumb: t.style("overlay.border")), glyphs: s.glyphs)
}

// MARK: metadata

func renderMetadata(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let l = s.layout
    Bar.render(into: &b, rect: l.body.row(0), left: [Span(" Model metadata", t.style("pane.title.focused"))],
               right: [Span("\(Fmt.grouped(s.metadataOffset + 1))/\(Fmt.grouped(s.metadataLines.count)) ", t.style("dim"))], style: t.style("normal"), glyphs: s.glyphs)
    let body = l.body.inset(top: 1)
    let lines = s.metadataWidth == s.width ? s.metadataLines : metadataLines(index: s.index, theme: t, width: max(20, s.width - 1))
    TextView.render(into: &b, rect: body, lines: lines, offset: s.metadataOffset,
                    style: ListStyle(normal: t.style("normal"), scrollTrack: t.style("scrollbar"), scrollThumb: t.style("scrollbar.thumb")), glyphs: s.glyphs)
}

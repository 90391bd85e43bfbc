import OnnxModel
import Reports
import TerminalUI

// Drawing for the debugger: the title-bar status and progress bar, tree badges, the inputs
// dialog, the breakpoints menu and the provenance screen. Pure, like the rest of render().

/// The right part of the title bar while a session exists: progress while running, else where
/// the session stands and what it holds.
func execStatus(_ s: AppState, compact: Bool = false) -> StyledLine {
    let t = s.theme
    let e = s.exec
    let dot = " \(s.glyphs.dot) "
    let total = s.index.main.nodes.count
    let done = min(e.mainDone, total)
    if let what = e.running {
        let fraction = total > 0 ? Double(done) / Double(total) : 0
        let (filled, empty) = ProgressBar.text(fraction: fraction, width: compact ? 8 : 12, glyphs: s.glyphs)
        var out: StyledLine = [Span(what + " ", t.style("title").with(attributes: .bold)),
                               Span(filled, t.style("progress")), Span(empty, t.style("progress.empty")),
                               Span(" \(Fmt.grouped(done))/\(Fmt.grouped(total))", t.style("title"))]
        if !compact && e.nodesExecuted != done { out.append(Span(" (\(Fmt.grouped(e.nodesExecuted)) with subgraphs)", t.style("title"))) }
        if let el = e.elapsed {
            out.append(Span(dot + Fmt.seconds(el), t.style("title")))
            let inRun = done - e.mainAtRunStart
            if !compact && inRun > 0 && done < total && el > 0.2 {
                let left = el / Double(inRun) * Double(total - done)
                out.append(Span(dot + "~" + Fmt.seconds(left) + " left", t.style("title")))
            }
        }
        out.append(Span(" ", t.style("title")))
        return out
    }
    var text: String
    switch e.session {
    case .none: text = "no session"
    case .starting: text = "starting"
    case .ready: text = e.finished ? (s.glyphs.unicode ? "✓ finished" : "finished") : (s.glyphs.unicode ? "⏸ paused" : "paused")
    }
    if compact {
        text += " \(Fmt.grouped(done))/\(Fmt.grouped(total))" + dot + Fmt.bytes(e.held) + "/" + Fmt.bytes(e.budget)
        if e.breakpointCount > 0 { text += dot + "\(e.breakpointCount) bp" }
    } else {
        text += dot + "\(Fmt.grouped(done))/\(Fmt.grouped(total)) nodes" + dot + "held " + Fmt.bytes(e.held) + " of " + Fmt.bytes(e.budget)
        if e.breakpointCount > 0 { text += dot + Fmt.plural(e.breakpointCount, "breakpoint") }
    }
    if e.reference != nil { text += dot + "ref" }
    return [Span(text + " ", t.style("title"))]
}

/// After a node's type in the tree: `✓ 0.12 ms ×3 NaN`.
func execBadges(_ s: AppState, _ r: NodeRecord) -> StyledLine {
    let t = s.theme
    var out: StyledLine = []
    if let f = r.failed {
        out.append(Span("  failed: " + f, t.style("error")))
        return out
    }
    guard r.runs > 0 else { return out }
    // The badges come first: they matter most and long rows are cut at the pane's edge.
    if r.sawNaN { out.append(Span(" NaN", t.style("tensor.special.badge"))) }
    if r.sawInf { out.append(Span(" Inf", t.style("tensor.special.badge"))) }
    if r.sawDiff { out.append(Span(" " + (s.glyphs.unicode ? "≠" : "!=") + "ref", t.style("warning"))) }
    out.append(Span("  " + (s.glyphs.unicode ? "✓ " : "") + Fmt.duration(r.nanoseconds), t.style("ok.executed")))
    if r.runs > 1 { out.append(Span(" " + (s.glyphs.unicode ? "×" : "x") + "\(r.runs)", t.style("dim"))) }
    return out
}

// MARK: inputs dialog

func renderInputsDialog(_ b: inout ScreenBuffer, _ s: AppState) {
    guard let d = s.inputsDialog else { return }
    let t = s.theme
    let area = s.layout.body
    var lines: [(StyledLine, Int?)] = []
    let nameW = min(24, max(8, d.rows.map { row -> Int in
        switch row {
        case let .input(n, _): return displayWidth(sanitize(n))
        case let .dim(n): return displayWidth(sanitize(n))
        case .seed: return 4
        }
    }.max() ?? 8))
    lines.append(([Span("Inputs ", t.style("help.heading")), Span("(remembered per model file; a applies and restarts)", t.style("dim"))], nil))
    var sawDim = false
    var sawSeed = false
    for (i, row) in d.rows.enumerated() {
        switch row {
        case let .input(name, type):
            lines.append(([Span("  " + fit(name, width: nameW) + " ", t.style("tree.input")), Span(fit(type, width: 18) + " ", t.style("tree.shape")),
                           Span(d.draft.source(name).text, t.style("overlay"))], i))
        case let .dim(name):
            if !sawDim {
                sawDim = true
                lines.append(([], nil))
                lines.append(([Span("Symbolic dims ", t.style("help.heading")), Span("(default 1)", t.style("dim"))], nil))
            }
            lines.append(([Span("  " + fit(name, width: nameW) + " ", t.style("details.key")), Span(String(d.draft.dim(name)), t.style("overlay"))], i))
        case .seed:
            if !sawSeed {
                sawSeed = true
                lines.append(([], nil))
            }
            lines.append(([Span(fit("Seed", width: nameW + 2) + " ", t.style("help.heading")), Span(String(d.draft.seed), t.style("overlay"))], i))
        }
    }
    let box = area.centered(width: min(area.width - 2, 96), height: min(area.height, lines.count + 2))
    b.fill(box, style: t.style("overlay"))
    b.drawBox(box, style: t.style("overlay.border"), glyphs: s.glyphs, title: [Span("Inputs", t.style("overlay.border").with(attributes: .bold))])
    let inner = box.inset(top: 1, left: 2, bottom: 1, right: 1)
    // Keep the selected row in view.
    let selLine = lines.firstIndex { $0.1 == d.selected } ?? 0
    let offset = max(0, min(selLine - inner.height + 2, lines.count - inner.height))
    for (k, (line, row)) in lines.dropFirst(offset).prefix(inner.height).enumerated() {
        let y = inner.y + k
        b.draw(line.map { Span($0.text, t.style("overlay").patched(with: $0.style)) }, x: inner.x, y: y, clip: inner, glyphs: s.glyphs)
        if row == d.selected { b.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), patch: t.overlay("tree.selected")) }
    }
}

// MARK: breakpoints menu

func renderBreakMenu(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let e = s.exec
    func onOff(_ on: Bool) -> Span { Span(on ? "on" : "off", t.style(on ? "ok" : "dim")) }
    var lines: [StyledLine] = [[Span("Break when", t.style("help.heading"))]]
    func item(_ key: String, _ text: String, _ state: [Span]) {
        lines.append([Span("  " + key + "  ", t.style("help.key")), Span(fit(text, width: 46) + " ", t.style("help.text"))] + state)
    }
    item("n", "a node outputs a NaN", [onOff(e.breakNaN)])
    item("i", "a node outputs an infinity", [onOff(e.breakInf)])
    item("a", "|x| exceeds a threshold", e.magnitude.map { [Span("> " + Fmt.g($0, 6), t.style("ok"))] } ?? [onOff(false)])
    item("d", "an output differs from the reference", [onOff(e.breakDiff)]
         + [Span(e.reference == nil ? "  (no reference: L loads one)" : "  (rtol \(Fmt.g(e.rtol, 3)), atol \(Fmt.g(e.atol, 3)))", t.style("dim"))])
    item("o", "before nodes of an op type (or any spec)", e.opBreakpoints.isEmpty ? [onOff(false)] : [Span(e.opBreakpoints.sorted().joined(separator: ", "), t.style("ok"))])
    item("x", "clear every breakpoint", [])
    let nodes = e.nodeBreakpoints.values.sorted() + e.pathBreakpoints.keys.sorted()
    lines.append([])
    lines.append([Span("Before nodes (\(nodes.count))", t.style("help.heading")), Span("  b toggles the selected node", t.style("dim"))])
    if nodes.isEmpty { lines.append([Span("  none", t.style("dim"))]) }
    for n in nodes.prefix(200) { lines.append([Span("  " + (s.glyphs.unicode ? "●" : "*") + " ", t.style("error.breakpoint")), Span(n, t.style("help.text"))]) }
    let area = s.layout.body
    let box = area.centered(width: min(area.width - 2, 92), height: min(area.height, lines.count + 2))
    b.fill(box, style: t.style("overlay"))
    b.drawBox(box, style: t.style("overlay.border"), glyphs: s.glyphs, title: [Span("Breakpoints", t.style("overlay.border").with(attributes: .bold))])
    let inner = box.inset(top: 1, left: 2, bottom: 1, right: 1)
    for (k, line) in lines.prefix(inner.height).enumerated() {
        b.draw(line.map { Span($0.text, t.style("overlay").patched(with: $0.style)) }, x: inner.x, y: inner.y + k, clip: inner, glyphs: s.glyphs)
    }
}

// MARK: provenance screen

extension AppState {
    mutating func ensureAuditLines() {
        guard let a = audit, auditWidth != width || auditLines.isEmpty else { return }
        auditLines = provenanceLines(a, index: index, theme: theme, width: max(20, width - 1), glyphs: glyphs)
        auditWidth = width
    }
}

func renderProvenance(_ b: inout ScreenBuffer, _ s: AppState) {
    let t = s.theme
    let l = s.layout
    guard let a = s.audit else {
        Bar.render(into: &b, rect: l.body.row(0), left: [Span(" Provenance and integrity audit", t.style("pane.title.focused"))], style: t.style("normal"), glyphs: s.glyphs)
        b.draw([Span(" computing the audit (hashing the model and its external data)...", t.style("dim"))], x: 0, y: l.body.y + 2, clip: l.body, glyphs: s.glyphs)
        return
    }
    let lines = s.auditWidth == s.width ? s.auditLines : provenanceLines(a, index: s.index, theme: t, width: max(20, s.width - 1), glyphs: s.glyphs)
    let errors = a.findings.filter { $0.severity == .error }.count
    let warnings = a.findings.filter { $0.severity == .warning }.count
    let infos = a.findings.count - errors - warnings
    let summary: StyledLine = [Span(" Provenance and integrity audit  ", t.style("pane.title.focused")),
                               Span(Fmt.plural(errors, "error"), t.style(errors > 0 ? "error" : "dim")), Span(", ", t.style("dim")),
                               Span(Fmt.plural(warnings, "warning"), t.style(warnings > 0 ? "warning" : "dim")), Span(", ", t.style("dim")),
                               Span(Fmt.plural(infos, "note"), t.style(infos > 0 ? "info" : "dim"))]
    Bar.render(into: &b, rect: l.body.row(0), left: summary,
               right: [Span("\(Fmt.grouped(s.auditOffset + 1))/\(Fmt.grouped(lines.count)) ", t.style("dim"))], style: t.style("normal"), glyphs: s.glyphs)
    TextView.render(into: &b, rect: l.body.inset(top: 1), lines: lines, offset: s.auditOffset,
                    style: ListStyle(normal: t.style("normal"), scrollTrack: t.style("scrollbar"), scrollThumb: t.style("scrollbar.thumb")), glyphs: s.glyphs)
}

/// The audit report as screen lines: the sections and finding IDs of `onnx-explorer audit`,
/// severities in their colours, every model string sanitised.
func provenanceLines(_ a: AuditReport, index: ModelIndex, theme: Theme, width: Int, glyphs: Glyphs) -> [StyledLine] {
    let m = index.model
    var out: [StyledLine] = []
    let keyW = 18
    func heading(_ s: String) {
        if !out.isEmpty { out.append([]) }
        out.append([Span(s, theme.style("details.heading"))])
    }
    func field(_ k: String, _ v: String, _ style: String = "details.value") {
        let lead = [Span(" " + fit(k, width: keyW) + " ", theme.style("details.key"))]
        let capped = v.utf8.count > 4096 ? String(v.prefix(4096)) + " ..." : v
        for (i, l) in sanitizeLines(capped).prefix(40).enumerated() {
            for (j, w) in wrap([Span(l, theme.style(style))], width: max(10, width - keyW - 2)).enumerated() {
                out.append((i == 0 && j == 0 ? lead : [Span(String(repeating: " ", count: keyW + 2))]) + w)
            }
        }
    }
    func identity(_ label: String, _ f: AuditReport.FileIdentity) {
        field(label, f.location)
        field("", (f.size.map { Fmt.bytes($0) + " (\(Fmt.grouped($0)) bytes)" } ?? "size unknown") + (f.error.map { "  " + $0 } ?? ""), f.error == nil ? "details.value" : "error")
        if let h = f.sha256 { field("", "sha256 " + h, "details.type") }
    }
    heading("Identity")
    identity("model", a.model)
    for f in a.externalFiles { identity("external data", f) }
    for h in a.tensorHashes.prefix(500) { field("tensor " + h.name, "sha256 " + h.sha256, "details.type") }

    heading("Provenance")
    field("producer", [m.producerName, m.producerVersion].filter { !$0.isEmpty }.joined(separator: " ").nonEmpty ?? "(none)")
    if let e = a.exporter { field("exporter", e) }
    field("domain", m.domain.isEmpty ? "(none)" : m.domain)
    field("model_version", String(m.modelVersion))
    if !m.docString.isEmpty { field("doc_string", m.docString, "details.doc") }
    for (group, _) in Provenance.groups {
        for entry in a.metadata where entry.group == group {
            field(group, entry.value + "  (" + entry.key + " at " + entry.level + ")")
        }
    }
    if !a.missingRecommended.isEmpty { field("missing", a.missingRecommended.joined(separator: ", "), "warning") }
    let other = a.metadata.filter { $0.group == nil }
    if !other.isEmpty {
        out.append([Span(" other metadata_props", theme.style("details.key"))])
        for entry in other.prefix(500) { field("  " + entry.key, entry.value + "  (" + entry.level + ")") }
    }

    heading("Structure")
    field("IR version", String(m.irVersion))
    field("opsets", m.opsetImports.map { ($0.domain.isEmpty ? "ai.onnx" : $0.domain) + " \($0.version)" }.joined(separator: ", ").nonEmpty ?? "(none)")
    field("unsupported ops", a.unsupportedOps.isEmpty ? "none: the interpreter can run every op" : a.unsupportedOps.joined(separator: ", "), a.unsupportedOps.isEmpty ? "ok" : "error")
    if !a.customOps.isEmpty { field("custom ops", a.customOps.joined(separator: ", "), "warning") }
    if !m.functions.isEmpty { field("functions", m.functions.map(\.qualifiedName).joined(separator: ", ")) }
    if !m.trainingInfo.isEmpty { field("training_info", String(m.trainingInfo.count)) }

    heading("Findings (\(a.findings.count))")
    if a.findings.isEmpty { out.append([Span("  none", theme.style("ok"))]) }
    for f in a.findings {
        let style: String
        switch f.severity {
        case .error: style = "error"
        case .warning: style = "warning"
        case .info: style = "info"
        }
        let lead: StyledLine = [Span(" " + fit(f.id, width: 9) + " ", theme.style(style).with(attributes: .bold)), Span(fit(f.severity.rawValue, width: 8) + " ", theme.style(style)),
                                Span(sanitize(f.location), theme.style("details.key"))]
        out.append(lead)
        for w in wrap([Span(sanitize(f.message), theme.style("details.value"))], width: max(10, width - 8)).prefix(20) {
            out.append([Span("        ")] + w)
        }
    }
    return out
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

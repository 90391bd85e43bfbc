import OnnxModel
import TerminalUI

/// The metadata screen's lines: every ModelProto header field, metadata at every level, opset
/// imports, functions, training info, external data files and validation problems.
func metadataLines(index: ModelIndex, theme: Theme, width: Int) -> [StyledLine] {
    let m = index.model
    var out: [StyledLine] = []
    let keyW = 18
    func heading(_ s: String) {
        if !out.isEmpty { out.append([]) }
        out.append([Span(s, theme.style("details.heading"))])
    }
    func field(_ k: String, _ v: String, _ style: String = "details.value") {
        let lead = [Span(" " + fit(k, width: keyW) + " ", theme.style("details.key"))]
        let capped = v.utf8.count > 65_536 ? String(v.prefix(65_536)) + " ... (\(Fmt.bytes(v.utf8.count)) in all)" : v
        let lines = sanitizeLines(capped)
        for (i, l) in lines.prefix(500).enumerated() {
            let wrapped = wrap([Span(l, theme.style(style))], width: max(10, width - keyW - 2))
            for (j, w) in wrapped.enumerated() {
                out.append((i == 0 && j == 0 ? lead : [Span(String(repeating: " ", count: keyW + 2))]) + w)
            }
        }
    }
    func props(_ ps: [StringPair]) {
        if ps.isEmpty { out.append([Span("  none", theme.style("dim"))]); return }
        for p in ps.prefix(1000) { field(p.key, p.value) }
        if ps.count > 1000 { field("...", "\(ps.count) entries") }
    }

    heading("Model")
    field("file", m.source.path)
    if m.source.fileSize > 0 { field("size", Fmt.bytes(m.source.fileSize) + " (\(Fmt.grouped(m.source.fileSize)) bytes)") }
    field("ir_version", String(m.irVersion))
    field("producer", m.producerName + (m.producerVersion.isEmpty ? "" : " " + m.producerVersion))
    field("domain", m.domain.isEmpty ? "(none)" : m.domain)
    field("model_version", String(m.modelVersion))
    field("doc_string", m.docString.isEmpty ? "(none)" : m.docString, m.docString.isEmpty ? "dim" : "details.doc")
    let s = index.summary
    field("nodes", "\(Fmt.grouped(s.nodeCount)) in the main graph, \(Fmt.grouped(s.totalNodeCount)) in all")
    field("initializers", "\(Fmt.grouped(s.initializerCount)), \(Fmt.grouped(s.parameterCount)) parameters, \(Fmt.bytes(s.weightBytes))")
    if s.subgraphCount > 0 { field("subgraphs", Fmt.grouped(s.subgraphCount)) }

    heading("Opset imports (\(m.opsetImports.count))")
    for o in m.opsetImports { field(o.domain.isEmpty ? "ai.onnx" : o.domain, String(o.version)) }

    heading("Model metadata_props (\(m.metadataProps.count))")
    props(m.metadataProps)

    heading("Graph '\(m.graph.name)'")
    field("doc_string", m.graph.docString.isEmpty ? "(none)" : m.graph.docString, m.graph.docString.isEmpty ? "dim" : "details.doc")
    field("inputs", String(m.graph.inputs.count))
    field("outputs", String(m.graph.outputs.count))
    field("value_info", String(m.graph.valueInfo.count))
    if !m.graph.sparseInitializers.isEmpty { field("sparse inits", String(m.graph.sparseInitializers.count)) }
    if !m.graph.quantizationAnnotation.isEmpty { field("quant. annot.", String(m.graph.quantizationAnnotation.count)) }
    out.append([Span(" metadata_props", theme.style("details.key"))])
    props(m.graph.metadataProps)

    let nodesWithMeta = m.graph.nodes.enumerated().filter { !$0.element.metadataProps.isEmpty }
    heading("Node metadata_props (\(nodesWithMeta.count) nodes)")
    for (i, n) in nodesWithMeta.prefix(200) {
        out.append([Span(" " + n.opType + " ", theme.style("tree.op")), Span(n.displayName(index: i), theme.style("tree.name"))])
        for p in n.metadataProps.prefix(50) { field("  " + p.key, p.value) }
    }

    heading("Functions (\(m.functions.count))")
    for f in m.functions {
        out.append([Span(" " + f.qualifiedName, theme.style("tree.function")), Span("  \(Fmt.plural(f.nodes.count, "node"))", theme.style("dim"))])
        if !f.docString.isEmpty { field("  doc_string", f.docString, "details.doc") }
        for p in f.metadataProps { field("  " + p.key, p.value) }
    }

    heading("Training info (\(m.trainingInfo.count))")
    for (i, t) in m.trainingInfo.enumerated() {
        field("[\(i)] initialization", "graph '\(t.initialization.name)', \(Fmt.plural(t.initialization.nodes.count, "node"))")
        field("[\(i)] algorithm", "graph '\(t.algorithm.name)', \(Fmt.plural(t.algorithm.nodes.count, "node"))")
        if !t.initializationBinding.isEmpty { field("    init binding", t.initializationBinding.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        if !t.updateBinding.isEmpty { field("    update binding", t.updateBinding.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
    }

    heading("External data files (\(s.externalFiles.count))")
    for f in s.externalFiles { field(f.location, "\(Fmt.plural(f.tensorCount, "tensor")), \(Fmt.bytes(f.referencedBytes))") }

    if !m.configuration.isEmpty {
        heading("Device configurations (\(m.configuration.count))")
        for c in m.configuration { field(c.name, "\(c.numDevices) devices " + c.device.joined(separator: ", ")) }
    }

    heading("Validation (\(Fmt.plural(index.problems.count, "problem")))")
    if index.problems.isEmpty { out.append([Span("  the model passed validation", theme.style("ok"))]) }
    for p in index.problems.prefix(1000) {
        field(p.severity.rawValue, p.location + ": " + p.message, p.severity == .error ? "error" : "warning")
    }
    if !m.nonUTF8Strings.isEmpty {
        heading("Strings that were not valid UTF-8 (\(m.nonUTF8Strings.count))")
        for l in m.nonUTF8Strings.prefix(200) { field("", l, "warning") }
    }
    return out
}

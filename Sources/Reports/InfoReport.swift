import OnnxModel

/// `onnx-explorer info`: the structure summary, as JSON (a documented contract) or text.
public struct InfoReport {
    public let model: Model
    public let summary: ModelSummary
    public let problems: [Problem]

    public init(model: Model, problems: [Problem]) {
        self.model = model
        self.summary = ModelSummary(model)
        self.problems = problems
    }

    func valueJSON(_ v: ValueInfo) -> JSON {
        .object([("name", .string(v.name)), ("dtype", .string(Format.dtype(v.type))), ("shape", Format.shapeJSON(v.type)),
                 ("type", .string(Format.type(v.type)))])
    }

    public var json: JSON {
        let m = model
        var metadata: [(String, JSON)] = []
        for p in m.metadataProps {
            if let i = metadata.firstIndex(where: { $0.0 == p.key }) { metadata[i].1 = .string(p.value) } else { metadata.append((p.key, .string(p.value))) }
        }
        let ops = summary.opTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return .object([
            ("file", .string(m.source.path)),
            ("file_size", .int(m.source.fileSize)),
            ("ir_version", .int(Int(m.irVersion))),
            ("opset_imports", .array(m.opsetImports.map { .object([("domain", .string($0.domain)), ("version", .int(Int($0.version)))]) })),
            ("producer_name", .string(m.producerName)),
            ("producer_version", .string(m.producerVersion)),
            ("domain", .string(m.domain)),
            ("model_version", .int(Int(m.modelVersion))),
            ("doc_string", .string(m.docString)),
            ("graph_name", .string(m.graph.name)),
            ("node_count", .int(summary.nodeCount)),
            ("total_node_count", .int(summary.totalNodeCount)),
            ("subgraph_count", .int(summary.subgraphCount)),
            ("initializer_count", .int(summary.initializerCount)),
            ("parameter_count", .int(summary.parameterCount)),
            ("weight_bytes", .int(summary.weightBytes)),
            ("external_files", .array(summary.externalFiles.map {
                .object([("location", .string($0.location)), ("tensor_count", .int($0.tensorCount)), ("bytes", .int($0.referencedBytes))])
            })),
            ("inputs", .array(m.graph.inputs.map(valueJSON))),
            ("outputs", .array(m.graph.outputs.map(valueJSON))),
            ("op_types", .object(ops.map { ($0.key, .int($0.value)) })),
            ("functions", .array(m.functions.map {
                .object([("name", .string($0.name)), ("domain", .string($0.domain)), ("overload", .string($0.overload)),
                         ("inputs", .array($0.inputs.map(JSON.string))), ("outputs", .array($0.outputs.map(JSON.string))),
                         ("attributes", .array($0.attributeNames.map(JSON.string) + $0.attributeDefaults.map { .string($0.name) })),
                         ("node_count", .int($0.nodes.count))])
            })),
            ("metadata_props", .object(metadata)),
            ("training_info_count", .int(m.trainingInfo.count)),
            ("problems", .array(problems.map {
                .object([("kind", .string($0.kind.rawValue)), ("severity", .string($0.severity.rawValue)),
                         ("location", .string($0.location)), ("message", .string($0.message))])
            })),
        ])
    }

    /// Human-readable report. Model strings are escaped: they may hold terminal control sequences.
    public var text: String {
        let m = model
        let e = TextHygiene.escaped
        var lines: [String] = []
        func row(_ k: String, _ v: String) { lines.append("  " + Format.pad(k, 16) + v) }
        lines.append(e(m.source.path) + "  (\(Format.bytes(m.source.fileSize)))")
        row("IR version", "\(m.irVersion)")
        row("opsets", m.opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : e($0.domain)) \($0.version)" }.joined(separator: ", "))
        row("producer", e([m.producerName, m.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")))
        if !m.domain.isEmpty { row("domain", e(m.domain)) }
        if m.modelVersion != 0 { row("model version", "\(m.modelVersion)") }
        row("graph", e(m.graph.name))
        if !m.docString.isEmpty { row("doc", e(String(m.docString.prefix(200)))) }
        row("nodes", "\(Format.grouped(summary.nodeCount))" + (summary.totalNodeCount != summary.nodeCount ? " (\(Format.grouped(summary.totalNodeCount)) with subgraphs and functions)" : ""))
        row("initializers", "\(Format.grouped(summary.initializerCount)), \(Format.grouped(summary.parameterCount)) parameters, \(Format.bytes(summary.weightBytes))")
        for f in summary.externalFiles {
            row("external data", "\(e(f.location)) (\(f.tensorCount) tensors, \(Format.bytes(f.referencedBytes)))")
        }
        lines.append("inputs")
        for v in m.graph.inputs { lines.append("  \(e(v.name))  \(e(Format.type(v.type)))") }
        lines.append("outputs")
        for v in m.graph.outputs { lines.append("  \(e(v.name))  \(e(Format.type(v.type)))") }
        lines.append("ops")
        let ops = summary.opTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var line = " "
        for (k, v) in ops {
            let item = " \(e(k)) \(v)"
            if line.count + item.count > 78 { lines.append(line); line = " " }
            line += item
        }
        if line != " " { lines.append(line) }
        if !m.functions.isEmpty {
            lines.append("functions")
            for f in m.functions { lines.append("  \(e(f.domain)).\(e(f.name))(\(f.inputs.map(e).joined(separator: ", "))) -> \(f.outputs.map(e).joined(separator: ", "))  \(f.nodes.count) nodes") }
        }
        if !m.metadataProps.isEmpty {
            lines.append("metadata")
            for p in m.metadataProps { lines.append("  \(e(p.key)): \(e(String(p.value.prefix(200))))") }
        }
        if !problems.isEmpty {
            lines.append("problems")
            for p in problems { lines.append("  \(p.severity.rawValue): \(e(p.description))") }
        }
        return lines.joined(separator: "\n")
    }
}

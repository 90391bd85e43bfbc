import OnnxModel

extension AuditReport {
    func identityJSON(_ f: FileIdentity) -> JSON {
        .object([("location", .string(f.location)), ("size", f.size.map(JSON.int) ?? .null), ("sha256", .optional(f.sha256)),
                 ("error", .optional(f.error))])
    }

    public var json: JSON {
        let m = header
        var groups: [(String, JSON)] = []
        for (group, _) in Provenance.groups {
            let entries = metadata.filter { $0.group == group }
            if !entries.isEmpty {
                groups.append((group, .array(entries.map { .object([("key", .string($0.key)), ("value", .string($0.value)), ("level", .string($0.level))]) })))
            }
        }
        return .object([
            ("file", .string(model.location)),
            ("summary", .object([("errors", .int(findings.filter { $0.severity == .error }.count)),
                                 ("warnings", .int(findings.filter { $0.severity == .warning }.count)),
                                 ("infos", .int(findings.filter { $0.severity == .info }.count))])),
            ("identity", .object([
                ("model", identityJSON(model)),
                ("external_files", .array(externalFiles.map(identityJSON))),
                ("tensor_sha256", tensorHashes.isEmpty ? .null : .object(tensorHashes.map { ($0.name, .string($0.sha256)) })),
            ])),
            ("provenance", .object([
                ("producer_name", .string(m.producerName)), ("producer_version", .string(m.producerVersion)),
                ("exporter", .optional(exporter)), ("domain", .string(m.domain)), ("model_version", .int(Int(m.modelVersion))),
                ("doc_string", .string(m.docString)),
                ("well_known", .object(groups)),
                ("missing_recommended", .array(missingRecommended.map(JSON.string))),
                ("metadata_props", .array(metadata.map { .object([("level", .string($0.level)), ("key", .string($0.key)), ("value", .string($0.value))]) })),
            ])),
            ("structure", .object([
                ("ir_version", .int(Int(m.irVersion))),
                ("opset_imports", .array(m.opsetImports.map { .object([("domain", .string($0.domain)), ("version", .int(Int($0.version)))]) })),
                ("unsupported_ops", .array(unsupportedOps.map(JSON.string))),
                ("custom_ops", .array(customOps.map(JSON.string))),
                ("functions", .array(m.functions.map { .string($0.qualifiedName) })),
                ("training_info_count", .int(m.trainingInfo.count)),
            ])),
            ("findings", .array(findings.map {
                .object([("id", .string($0.id)), ("severity", .string($0.severity.rawValue)), ("message", .string($0.message)), ("location", .string($0.location))])
            })),
        ])
    }

    /// Text report; every model string is escaped.
    public var text: String {
        let e = TextHygiene.escaped
        let m = header
        var out: [String] = []
        func row(_ k: String, _ v: String) { out.append("  " + Format.pad(k, 18) + v) }
        out.append("identity")
        row("model", "\(e(model.location))  \(model.size.map(Format.bytes) ?? "?")  sha256 \(model.sha256 ?? "-")")
        for f in externalFiles { row("external", "\(e(f.location))  \(f.size.map(Format.bytes) ?? "?")  sha256 \(f.sha256 ?? f.error ?? "-")") }
        for t in tensorHashes { row("tensor", "\(e(t.name))  sha256 \(t.sha256)") }
        out.append("provenance")
        row("producer", e([m.producerName, m.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")))
        if let exporter { row("exporter", e(exporter)) }
        if !m.domain.isEmpty { row("domain", e(m.domain)) }
        if m.modelVersion != 0 { row("model version", "\(m.modelVersion)") }
        if !m.docString.isEmpty { row("doc", e(String(m.docString.prefix(160)))) }
        for (group, _) in Provenance.groups {
            for entry in metadata where entry.group == group { row(group, "\(e(entry.value))  (\(e(entry.key)) at \(e(entry.level)))") }
        }
        if !missingRecommended.isEmpty { row("missing", missingRecommended.joined(separator: ", ")) }
        let other = metadata.filter { $0.group == nil }
        for entry in other { row(e(entry.key), "\(e(String(entry.value.prefix(160))))  (\(e(entry.level)))") }
        out.append("structure")
        row("IR / opsets", "\(m.irVersion) / " + m.opsetImports.map { "\($0.domain.isEmpty ? "ai.onnx" : e($0.domain)) \($0.version)" }.joined(separator: ", "))
        if !unsupportedOps.isEmpty { row("unsupported ops", unsupportedOps.map(e).joined(separator: ", ")) }
        if !customOps.isEmpty { row("custom ops", customOps.map(e).joined(separator: ", ")) }
        if !m.functions.isEmpty { row("functions", m.functions.map { e($0.qualifiedName) }.joined(separator: ", ")) }
        out.append("findings")
        if findings.isEmpty { out.append("  none") }
        for f in findings { out.append("  \(f.id) \(f.severity.rawValue.uppercased()) \(e(f.location)): \(e(f.message))") }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.filter { $0.severity == .warning }.count
        out.append("\(errors) error(s), \(warnings) warning(s), \(findings.count - errors - warnings) note(s)")
        return out.joined(separator: "\n")
    }
}

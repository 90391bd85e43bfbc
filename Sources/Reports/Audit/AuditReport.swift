import OnnxModel

/// `onnx-explorer audit` and the TUI's provenance screen: identity, provenance, structure,
/// integrity of external data, and hygiene, with findings under stable IDs.
public struct AuditReport: Sendable {
    public struct Options: Sendable {
        public var hashTensors = false
        /// Whether the embedded interpreter runs (domain, op type) at the given opset; nil skips STRUCT001.
        public var supportsOp: (@Sendable (String, String, Int64) -> Bool)?
        public init(hashTensors: Bool = false, supportsOp: (@Sendable (String, String, Int64) -> Bool)? = nil) {
            self.hashTensors = hashTensors
            self.supportsOp = supportsOp
        }
    }

    public struct FileIdentity: Sendable {
        public var location: String
        public var size: Int?
        public var sha256: String?
        public var error: String?
    }

    public struct MetadataEntry: Sendable {
        public var level: String
        public var key: String
        public var value: String
        public var group: String?
    }

    public var model: FileIdentity
    public var externalFiles: [FileIdentity] = []
    public var tensorHashes: [(name: String, sha256: String)] = []
    public var exporter: String?
    public var metadata: [MetadataEntry] = []
    public var missingRecommended: [String] = []
    public var unsupportedOps: [String] = []
    public var customOps: [String] = []
    public var findings: [Finding] = []
    let header: Model

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }

    public init(model m: Model, options: Options = Options()) {
        header = m
        model = FileIdentity(location: m.source.path, size: m.source.fileSize)
        var auditor = Auditor(model: m, options: options)
        auditor.run()
        findings = auditor.findings.sorted { $0.severity != $1.severity ? $0.severity < $1.severity : $0.id < $1.id }
        metadata = auditor.metadata
        missingRecommended = auditor.missing
        unsupportedOps = auditor.unsupported.sorted()
        customOps = auditor.custom.sorted()
        exporter = Provenance.exporter(m)
        if m.source.directory != nil, let file = try? MappedFile(path: m.source.path) {
            model.sha256 = file.view.withUnsafeBytes { SHA256.hex($0) }
        }
        externalFiles = auditor.externalIdentities
        if options.hashTensors {
            tensorHashes = m.graph.initializers.map { t in
                (t.name, (try? t.canonicalBytes().withUnsafeBytes { SHA256.hex($0) }) ?? "unreadable")
            }
        }
    }
}

/// The walk behind `AuditReport`.
struct Auditor {
    let model: Model
    let options: AuditReport.Options
    var findings: [Finding] = []
    var metadata: [AuditReport.MetadataEntry] = []
    var missing: [String] = []
    var unsupported = Set<String>()
    var custom = Set<String>()
    var externalIdentities: [AuditReport.FileIdentity] = []
    private var perIDCount: [String: Int] = [:]

    init(model: Model, options: AuditReport.Options) {
        self.model = model
        self.options = options
    }

    /// Repeated findings are capped so a hostile model cannot flood the report.
    mutating func add(_ id: FindingID, _ message: String, at location: String) {
        let n = perIDCount[id.rawValue, default: 0]
        perIDCount[id.rawValue] = n + 1
        if n < 50 { findings.append(Finding(id, message, at: location)) }
        if n == 50 { findings.append(Finding(id, "more findings of this kind are not listed", at: "model")) }
    }

    mutating func run() {
        provenance()
        structure()
        externalData()
        hygiene()
    }

    // MARK: Provenance

    mutating func provenance() {
        let m = model
        if m.producerName.isEmpty { add(.noProducer, "producer_name is empty: nothing says which tool wrote this model", at: "model") }
        if m.docString.isEmpty { add(.noDocString, "the model has no doc_string", at: "model") }
        func collect(_ props: [StringPair], _ level: String) {
            for p in props { metadata.append(.init(level: level, key: p.key, value: p.value, group: Provenance.group(of: p.key))) }
        }
        collect(m.metadataProps, "model")
        collect(m.graph.metadataProps, "graph '\(m.graph.name)'")
        for (i, n) in m.graph.nodes.enumerated() where !n.metadataProps.isEmpty { collect(n.metadataProps, "node '\(n.displayName(index: i))'") }
        for f in m.functions where !f.metadataProps.isEmpty { collect(f.metadataProps, "function '\(f.name)'") }
        for t in m.graph.initializers where !t.metadataProps.isEmpty { collect(t.metadataProps, "initializer '\(t.name)'") }
        var present = Set(metadata.filter { $0.level == "model" }.compactMap(\.group))
        if !m.producerName.isEmpty { present.insert("framework") }
        if m.modelVersion != 0 { present.insert("version") }
        if !present.contains("license") { add(.noLicense, "no licence is stated in the model's metadata_props", at: "model") }
        missing = Provenance.recommended.filter { !present.contains($0) && $0 != "license" }
        if !missing.isEmpty { add(.missingRecommended, "missing recommended metadata: \(missing.joined(separator: ", "))", at: "model") }
    }

    // MARK: Structure

    mutating func structure() {
        let m = model
        if m.irVersion > 14 { add(.newerThanSupported, "IR version \(m.irVersion) is newer than this build knows (14)", at: "model") }
        let known: [String: Int64] = ["": 28, "ai.onnx.ml": 5, "ai.onnx.preview.training": 1]
        for o in m.opsetImports {
            let d = OpsetImport.canonicalDomain(o.domain)
            if let k = known[d], o.version > k {
                add(.newerThanSupported, "opset \(o.domain.isEmpty ? "ai.onnx" : o.domain) \(o.version) is newer than this build knows (\(k))", at: "model")
            }
        }
        if !m.functions.isEmpty {
            add(.hasFunctions, "\(m.functions.count) model-local function(s): \(m.functions.prefix(5).map { "\($0.domain).\($0.name)" }.joined(separator: ", "))", at: "model")
        }
        if !m.trainingInfo.isEmpty { add(.hasTrainingInfo, "\(m.trainingInfo.count) training_info entries", at: "model") }
        for p in Validator.validate(m, checkExternal: false) where !p.isDataError && p.severity == .error {
            add(.invalidGraph, p.message, at: p.location)
        }

        let functionKeys = Set(m.functions.map { "\(OpsetImport.canonicalDomain($0.domain)):\($0.name)" })
        let standard: Set<String> = ["", "ai.onnx.ml", "ai.onnx.preview.training", "ai.onnx.preview"]
        func visitOps(_ g: Graph, _ label: String) {
            for (i, n) in g.nodes.enumerated() {
                let d = OpsetImport.canonicalDomain(n.domain)
                let key = "\(d):\(n.opType)"
                if !standard.contains(d) && !functionKeys.contains(key) && !custom.contains(n.qualifiedOpType) {
                    custom.insert(n.qualifiedOpType)
                    add(.customDomain, "\(n.qualifiedOpType) is in custom domain '\(n.domain)'", at: "\(label) node '\(n.displayName(index: i))'")
                }
                if let supports = options.supportsOp, standard.contains(d), !functionKeys.contains(key),
                   let version = m.opsetVersion(for: d), !supports(d, n.opType, version), !unsupported.contains(n.qualifiedOpType) {
                    unsupported.insert(n.qualifiedOpType)
                    add(.unsupportedOp, "\(n.qualifiedOpType) (opset \(version)) cannot be run by the embedded interpreter", at: "\(label) node '\(n.displayName(index: i))'")
                }
                for a in n.attributes { for sub in a.value.graphs { visitOps(sub, "\(label) node '\(n.displayName(index: i))' \(a.name)") } }
            }
        }
        visitOps(m.graph, "graph '\(m.graph.name)'")
        for f in m.functions {
            var g = Graph()
            g.nodes = f.nodes
            visitOps(g, "function '\(f.name)'")
        }

        // Names used anywhere (node inputs at every depth, graph outputs).
        var used = Set<String>()
        func collectUses(_ g: Graph) {
            for n in g.nodes {
                used.formUnion(n.inputs)
                for a in n.attributes { for sub in a.value.graphs { collectUses(sub); used.formUnion(sub.outputs.map(\.name)) } }
            }
        }
        collectUses(m.graph)
        used.formUnion(m.graph.outputs.map(\.name))
        for t in m.graph.initializers where !used.contains(t.name) {
            add(.unusedInitializer, "initializer '\(t.name)' (\(t.typeText)) is used by no node", at: "initializer '\(t.name)'")
        }
        let initNames = Set(m.graph.initializers.map(\.name))
        for i in m.graph.inputs where initNames.contains(i.name) {
            add(.shadowedInput, "graph input '\(i.name)' has an initializer of the same name (it acts as a default value)", at: "graph input '\(i.name)'")
        }
        deadNodes(m.graph)
    }

    /// Nodes whose outputs reach no graph output, by walking back from the outputs.
    mutating func deadNodes(_ g: Graph) {
        var producer: [String: Int] = [:]
        for (i, n) in g.nodes.enumerated() { for o in n.outputs where !o.isEmpty { producer[o] = i } }
        func inputsOf(_ n: Node) -> [String] {
            var names = n.inputs
            func addSub(_ sub: Graph) {
                for sn in sub.nodes {
                    names.append(contentsOf: sn.inputs)
                    for a in sn.attributes { for s in a.value.graphs { addSub(s) } }
                }
                names.append(contentsOf: sub.outputs.map(\.name))
            }
            for a in n.attributes { for sub in a.value.graphs { addSub(sub) } }
            return names
        }
        var live = [Bool](repeating: false, count: g.nodes.count)
        var stack = g.outputs.compactMap { producer[$0.name] }
        while let i = stack.popLast() {
            if live[i] { continue }
            live[i] = true
            for name in inputsOf(g.nodes[i]) { if let p = producer[name], !live[p] { stack.append(p) } }
        }
        for (i, n) in g.nodes.enumerated() where !live[i] {
            add(.deadNode, "\(n.opType) node's outputs (\(n.outputs.joined(separator: ", "))) reach no graph output", at: "graph '\(g.name)' node '\(n.displayName(index: i))'")
        }
    }

    // MARK: External data

    mutating func externalData() {
        struct Range { var start: Int; var end: Int; var tensor: String }
        var ranges: [String: [Range]] = [:]
        var seenFiles: [String] = []
        var tensors: [(TensorData, String)] = model.graph.initializers.map { ($0, "initializer '\($0.name)'") }
        func constants(_ g: Graph, _ label: String) {
            for (i, n) in g.nodes.enumerated() {
                for a in n.attributes {
                    if case let .tensor(t) = a.value { tensors.append((t, "\(label) node '\(n.displayName(index: i))' attribute '\(a.name)'")) }
                    for sub in a.value.graphs {
                        for t in sub.initializers { tensors.append((t, "subgraph initializer '\(t.name)'")) }
                        constants(sub, "\(label) node '\(n.displayName(index: i))' \(a.name)")
                    }
                }
            }
        }
        constants(model.graph, "graph '\(model.graph.name)'")

        for (t, label) in tensors {
            guard case let .external(ref) = t.payload else {
                // Embedded data: the length must match dtype x shape (and the shape must be sane).
                if t.dataType != .string {
                    do { _ = try t.canonicalBytes() } catch { add(.rawDataLength, error.message, at: label) }
                }
                continue
            }
            if let problem = ExternalDataStore.locationProblem(ref.location) {
                add(problem.reason == .absolute ? .absoluteLocation : problem.reason == .parentDirectory ? .parentLocation : .externalUnreadable,
                    problem.message, at: label)
                continue
            }
            if !seenFiles.contains(ref.location) { seenFiles.append(ref.location) }
            do {
                let view = try ref.resolve(expected: t.expectedByteCount)
                ranges[ref.location, default: []].append(Range(start: view.offset, end: view.offset + view.count, tensor: t.name))
            } catch {
                add(id(for: error.reason), error.message, at: label)
            }
        }
        for (file, rs) in ranges {
            let sorted = rs.sorted { $0.start < $1.start }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
                add(.overlap, "bytes \(b.start)..<\(min(a.end, b.end)) of '\(file)' belong to both '\(a.tensor)' and '\(b.tensor)'", at: "external file '\(file)'")
            }
        }
        // Identity, LFS pointers and checksums, once per file.
        for location in seenFiles {
            guard let store = model.source.external, let file = try? store.file(location) else {
                externalIdentities.append(.init(location: location, size: nil, sha256: nil, error: "cannot be opened"))
                continue
            }
            let sha256 = file.view.withUnsafeBytes { SHA256.hex($0) }
            externalIdentities.append(.init(location: location, size: file.byteCount, sha256: sha256, error: nil))
            let head = file.view.slice(0, min(file.byteCount, 64)).bytes
            if String(decoding: head, as: UTF8.self).hasPrefix("version https://git-lfs.github.com/spec/") {
                add(.lfsPointer, "'\(location)' is a Git LFS pointer (\(file.byteCount) bytes), not the weights: run `git lfs pull`", at: "external file '\(location)'")
            }
            let checksums = Set(tensors.compactMap { t -> String? in
                if case let .external(r) = t.0.payload, r.location == location { return r.checksum?.lowercased() }
                return nil
            })
            if !checksums.isEmpty {
                var sha1 = SHA1()
                file.view.withUnsafeBytes { sha1.update($0) }
                let actual = hexString(sha1.finalize())
                for expected in checksums.sorted() {
                    if expected == actual {
                        add(.checksumVerified, "SHA-1 \(actual) matches the 'checksum' key", at: "external file '\(location)'")
                    } else {
                        add(.checksumMismatch, "SHA-1 is \(actual) but the 'checksum' key says \(expected): the file was changed or corrupted", at: "external file '\(location)'")
                    }
                }
            }
        }
    }

    func id(for reason: String?) -> FindingID {
        switch reason.flatMap(ExternalDataReason.init(rawValue:)) {
        case .absolute?: return .absoluteLocation
        case .parentDirectory?: return .parentLocation
        case .symbolicLink?: return .symbolicLink
        case .hardLink?: return .hardLink
        case .missing?: return .missingFile
        case .outOfBounds?: return .outOfBounds
        case .lengthMismatch?: return .lengthMismatch
        default: return .externalUnreadable
        }
    }

    // MARK: Hygiene

    mutating func hygiene() {
        for location in model.nonUTF8Strings { add(.nonUTF8, "a string is not valid UTF-8 (shown with U+FFFD)", at: location) }
        var strings: [(String, String)] = []
        let m = model
        strings += [("model producer_name", m.producerName), ("model producer_version", m.producerVersion), ("model domain", m.domain),
                    ("model doc_string", m.docString), ("graph name", m.graph.name)]
        func props(_ ps: [StringPair], _ level: String) {
            var seen = Set<String>()
            var dup = Set<String>()
            for p in ps {
                strings.append(("\(level) metadata key", p.key))
                strings.append(("\(level) metadata '\(p.key)'", p.value))
                if !seen.insert(p.key).inserted { dup.insert(p.key) }
            }
            for k in dup.sorted() { add(.duplicateMetadataKey, "metadata key '\(k)' appears more than once", at: level) }
        }
        func graph(_ g: Graph, _ label: String) {
            strings.append(("\(label) doc_string", g.docString))
            props(g.metadataProps, label)
            for v in g.inputs + g.outputs + g.valueInfo { strings.append(("\(label) value '\(v.name)'", v.name)); strings.append(("\(label) value '\(v.name)' doc_string", v.docString)) }
            for t in g.initializers { strings.append(("\(label) initializer name", t.name)); strings.append(("initializer '\(t.name)' doc_string", t.docString)) }
            for (i, n) in g.nodes.enumerated() {
                let nl = "\(label) node '\(n.displayName(index: i))'"
                strings += [("\(nl) name", n.name), ("\(nl) op_type", n.opType), ("\(nl) domain", n.domain), ("\(nl) doc_string", n.docString)]
                for s in n.inputs + n.outputs { strings.append(("\(nl) input/output", s)) }
                props(n.metadataProps, nl)
                for a in n.attributes {
                    strings.append(("\(nl) attribute name", a.name))
                    if case let .string(s) = a.value { strings.append(("\(nl) attribute '\(a.name)'", String(decoding: s, as: UTF8.self))) }
                    if case let .strings(ss) = a.value { for s in ss.prefix(1000) { strings.append(("\(nl) attribute '\(a.name)'", String(decoding: s, as: UTF8.self))) } }
                    for sub in a.value.graphs { graph(sub, "\(nl) \(a.name)") }
                }
            }
        }
        props(m.metadataProps, "model")
        graph(m.graph, "graph '\(m.graph.name)'")
        for f in m.functions {
            strings += [("function name", f.name), ("function '\(f.name)' doc_string", f.docString)]
            props(f.metadataProps, "function '\(f.name)'")
            var g = Graph()
            g.nodes = f.nodes
            graph(g, "function '\(f.name)'")
        }
        for (location, s) in strings where !s.isEmpty {
            // Line breaks and tabs are ordinary in doc strings; escapes and other controls are not.
            if s.unicodeScalars.contains(where: { TextHygiene.isUnsafe($0) && $0 != "\n" && $0 != "\r" && $0 != "\t" }) {
                add(.controlCharacters, "holds control characters or escape sequences: \(TextHygiene.escaped(String(s.prefix(120))))", at: location)
            }
            if location.hasSuffix("doc_string"), s.utf8.count > 65536 {
                add(.oversizedDocString, "doc_string is \(s.utf8.count) bytes", at: location)
            }
        }
    }
}

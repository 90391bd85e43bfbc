/// Structural checks over a loaded model, reported by node name. Linear in the model's size.
public struct Validator {
    public private(set) var problems: [Problem] = []
    let model: Model
    /// Whether to open external data files to check ranges (stat + map, no reads).
    let checkExternal: Bool

    public static func validate(_ model: Model, checkExternal: Bool = true) -> [Problem] {
        var v = Validator(model: model, checkExternal: checkExternal)
        v.run()
        return v.problems
    }

    init(model: Model, checkExternal: Bool) {
        self.model = model
        self.checkExternal = checkExternal
    }

    mutating func add(_ kind: Problem.Kind, _ severity: Problem.Severity, _ location: String, _ message: String) {
        // Hostile models can repeat one problem millions of times; keep the report readable.
        if problems.count < 1000 { problems.append(Problem(kind: kind, severity: severity, location: location, message: message)) }
    }

    mutating func run() {
        var imported = Set(model.opsetImports.map { OpsetImport.canonicalDomain($0.domain) })
        if model.opsetImports.isEmpty { imported.insert("") }
        let functionKeys = Set(model.functions.map { "\(OpsetImport.canonicalDomain($0.domain)):\($0.name)" })
        checkGraph(model.graph, label: "graph '\(model.graph.name)'", outer: [], imported: imported, functions: functionKeys, isMain: true)
        for t in model.trainingInfo {
            checkGraph(t.initialization, label: "training initialization graph", outer: [], imported: imported, functions: functionKeys, isMain: false, requireOutputs: false)
            checkGraph(t.algorithm, label: "training algorithm graph", outer: [], imported: imported, functions: functionKeys, isMain: false, requireOutputs: false)
        }
        for f in model.functions {
            var fImported = Set(f.opsetImports.map { OpsetImport.canonicalDomain($0.domain) })
            fImported.formUnion(imported)
            var g = Graph()
            g.name = f.name
            g.nodes = f.nodes
            g.inputs = f.inputs.map { ValueInfo(name: $0) }
            g.outputs = f.outputs.map { ValueInfo(name: $0) }
            checkGraph(g, label: "function '\(f.name)'", outer: [], imported: fImported, functions: functionKeys, isMain: false)
        }
    }

    mutating func checkTensor(_ t: TensorData, _ label: String) {
        guard let type = t.dataType, type != .undefined else {
            add(.tensorData, .error, label, "unknown data type \(t.elemType)")
            return
        }
        guard let count = t.elementCount else {
            add(.tensorData, .error, label, "shape \(t.dims) has a negative dimension or an element count that overflows")
            return
        }
        if type == .string {
            if case let .strings(s) = t.payload, s.count != count {
                add(.tensorData, .error, label, "string_data has \(s.count) elements, shape \(t.dims) needs \(count)")
            }
            return
        }
        guard let expected = type.byteCount(elements: count) else {
            add(.tensorData, .error, label, "byte size of \(type.name)\(t.dims) overflows")
            return
        }
        switch t.payload {
        case .none:
            if expected != 0 { add(.tensorData, .error, label, "has no data but \(type.name)\(t.dims) needs \(expected) bytes") }
        case let .raw(v):
            if v.count != expected { add(.tensorData, .error, label, "raw_data has \(v.count) bytes, \(type.name)\(t.dims) needs \(expected)") }
        case .typed:
            do { _ = try t.canonicalBytes() } catch { add(.tensorData, .error, label, error.message) }
        case .strings:
            add(.tensorData, .error, label, "holds string_data but its type is \(type.name)")
        case let .external(ref):
            if let problem = ExternalDataStore.checkLocation(ref.location) {
                add(.externalData, .error, label, problem)
            } else if checkExternal {
                do { _ = try ref.resolve(expected: expected) } catch { add(.externalData, .error, label, error.description) }
            }
        }
    }

    mutating func checkGraph(_ g: Graph, label: String, outer: Set<String>, imported: Set<String>, functions: Set<String>,
                             isMain: Bool, requireOutputs: Bool = true) {
        var defined = outer
        defined.insert("")
        for i in g.inputs { defined.insert(i.name) }
        var initNames = Set<String>()
        for t in g.initializers {
            checkTensor(t, "\(label) initializer '\(t.name)'")
            defined.insert(t.name)
            initNames.insert(t.name)
        }
        for s in g.sparseInitializers {
            checkTensor(s.values, "\(label) sparse initializer '\(s.values.name)' values")
            checkTensor(s.indices, "\(label) sparse initializer '\(s.values.name)' indices")
            defined.insert(s.values.name)
        }
        if isMain && g.nodes.isEmpty && g.outputs.isEmpty {
            add(.emptyGraph, .warning, label, "the graph has no nodes and no outputs")
        }

        // Producers, and duplicate outputs.
        var producer: [String: Int] = [:]
        producer.reserveCapacity(g.nodes.count * 2)
        for (i, n) in g.nodes.enumerated() {
            let nl = "\(label) node '\(n.displayName(index: i))'"
            for o in n.outputs where !o.isEmpty {
                if let other = producer[o] {
                    add(.duplicateOutput, .error, nl, "output '\(o)' is also produced by node '\(g.nodes[other].displayName(index: other))'")
                } else if defined.contains(o) && !outer.contains(o) {
                    add(.duplicateOutput, .error, nl, "output '\(o)' has the name of a graph input or initializer")
                } else {
                    producer[o] = i
                }
            }
            let d = OpsetImport.canonicalDomain(n.domain)
            if !imported.contains(d) && !functions.contains("\(d):\(n.opType)") {
                add(.missingOpsetImport, .error, nl, "uses domain '\(n.domain)' (\(n.opType)) but the model imports no opset for it")
            } else if !imported.contains(d) {
                add(.missingOpsetImport, .warning, nl, "calls function '\(n.opType)' in domain '\(n.domain)', which has no opset import")
            }
            for a in n.attributes {
                if case let .tensor(t) = a.value { checkTensor(t, "\(nl) attribute '\(a.name)'") }
                if case let .tensors(ts) = a.value { for t in ts { checkTensor(t, "\(nl) attribute '\(a.name)'") } }
            }
        }

        // Kahn's algorithm over name dependencies: order, cycles, undefined inputs. Edges are kept
        // in flat arrays: this runs over 100,000-node graphs on every open.
        var indegree = [Int](repeating: 0, count: g.nodes.count)
        var edgeFrom: [Int] = []
        var edgeTo: [Int] = []
        var undefinedReported = 0
        for (i, n) in g.nodes.enumerated() {
            var preds: [Int] = []
            for inp in n.inputs {
                if let p = producer[inp] {
                    if !preds.contains(p) {
                        preds.append(p)
                        indegree[i] += 1
                        edgeFrom.append(p)
                        edgeTo.append(i)
                    }
                } else if !defined.contains(inp) {
                    if undefinedReported < 50 {
                        add(.undefinedInput, .error, "\(label) node '\(n.displayName(index: i))'", "input '\(inp)' is produced by no node, graph input or initializer")
                    }
                    undefinedReported += 1
                }
            }
        }
        // Consumers of each node in CSR form.
        var start = [Int](repeating: 0, count: g.nodes.count + 1)
        for f in edgeFrom { start[f + 1] += 1 }
        for k in 0..<g.nodes.count { start[k + 1] += start[k] }
        var fill = start
        var consumers = [Int](repeating: 0, count: edgeFrom.count)
        for (f, t) in zip(edgeFrom, edgeTo) { consumers[fill[f]] = t; fill[f] += 1 }
        var ready = (0..<g.nodes.count).filter { indegree[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(g.nodes.count)
        var head = 0
        while head < ready.count {
            let i = ready[head]
            head += 1
            order.append(i)
            for c in consumers[start[i]..<start[i + 1]] {
                indegree[c] -= 1
                if indegree[c] == 0 { ready.append(c) }
            }
        }
        if order.count < g.nodes.count {
            let stuck = (0..<g.nodes.count).filter { indegree[$0] > 0 }
            let names = stuck.prefix(5).map { "'\(g.nodes[$0].displayName(index: $0))'" }.joined(separator: ", ")
            add(.cycle, .error, label, "the graph has a cycle through \(stuck.count) node(s): \(names)\(stuck.count > 5 ? ", ..." : "")")
        } else {
            if zip(order, 0..<order.count).contains(where: { $0 != $1 }) {
                // Report the first node that uses a value produced later in the list.
                for (i, n) in g.nodes.enumerated() {
                    if let late = n.inputs.compactMap({ producer[$0] }).first(where: { $0 > i }) {
                        add(.unsortedNodes, .warning, "\(label) node '\(n.displayName(index: i))'",
                            "uses an output of node '\(g.nodes[late].displayName(index: late))', which comes later: nodes are not in topological order")
                        break
                    }
                }
            }
        }

        if requireOutputs {
            for o in g.outputs where producer[o.name] == nil && !defined.contains(o.name) {
                add(.undefinedOutput, .error, label, "graph output '\(o.name)' is produced by no node, input or initializer")
            }
        }

        // Subgraphs see every name visible here (built only when there are subgraphs).
        var visible: Set<String>?
        for (i, n) in g.nodes.enumerated() {
            for a in n.attributes {
                for (k, sub) in a.value.graphs.enumerated() {
                    if visible == nil { visible = defined.union(producer.keys) }
                    let suffix = a.value.graphs.count > 1 ? "[\(k)]" : ""
                    checkGraph(sub, label: "\(label) node '\(n.displayName(index: i))' \(a.name)\(suffix)", outer: visible!,
                               imported: imported, functions: functions, isMain: false)
                }
            }
        }
    }
}

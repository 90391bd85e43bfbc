/// The numbers `info` reports, computed without decoding any tensor data.
public struct ModelSummary: Sendable {
    public struct ExternalFile: Sendable {
        public var location: String
        public var tensorCount: Int
        /// Bytes referenced by tensors in this file.
        public var referencedBytes: Int
    }

    public var nodeCount = 0
    public var totalNodeCount = 0
    public var initializerCount = 0
    public var parameterCount = 0
    public var weightBytes = 0
    public var externalFiles: [ExternalFile] = []
    /// Op type histogram over the main graph, all subgraphs and all functions, domain-qualified.
    public var opTypes: [String: Int] = [:]
    public var subgraphCount = 0

    public init(_ model: Model) {
        let g = model.graph
        nodeCount = g.nodes.count
        initializerCount = g.initializers.count + g.sparseInitializers.count
        var external: [String: ExternalFile] = [:]
        var order: [String] = []
        for t in g.initializers {
            parameterCount += t.elementCount ?? 0
            weightBytes += t.expectedByteCount ?? t.storedByteCount
            if case let .external(ref) = t.payload {
                if external[ref.location] == nil {
                    order.append(ref.location)
                    external[ref.location] = ExternalFile(location: ref.location, tensorCount: 0, referencedBytes: 0)
                }
                external[ref.location]!.tensorCount += 1
                external[ref.location]!.referencedBytes += t.expectedByteCount ?? 0
            }
        }
        for s in g.sparseInitializers {
            parameterCount += s.values.elementCount ?? 0
            weightBytes += (s.values.expectedByteCount ?? 0) + (s.indices.expectedByteCount ?? 0)
        }
        externalFiles = order.map { external[$0]! }
        count(g)
        for f in model.functions {
            totalNodeCount += f.nodes.count
            for n in f.nodes { visit(n) }
        }
    }

    private mutating func count(_ g: Graph) {
        totalNodeCount += g.nodes.count
        for n in g.nodes { visit(n) }
    }

    private mutating func visit(_ n: Node) {
        opTypes[n.qualifiedOpType, default: 0] += 1
        for a in n.attributes {
            for sub in a.value.graphs {
                subgraphCount += 1
                count(sub)
            }
        }
    }
}

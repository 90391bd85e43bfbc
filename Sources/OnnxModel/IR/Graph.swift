/// `GraphProto`. Subgraphs (If/Loop/Scan bodies) are `Graph` values inside node attributes.
public struct Graph: Sendable {
    public var name = ""
    public var nodes: [Node] = []
    public var initializers: [TensorData] = []
    public var sparseInitializers: [SparseTensorData] = []
    public var docString = ""
    public var inputs: [ValueInfo] = []
    public var outputs: [ValueInfo] = []
    public var valueInfo: [ValueInfo] = []
    public var quantizationAnnotation: [TensorAnnotation] = []
    public var metadataProps: [StringPair] = []
    public init() {}

    /// Every subgraph held by this graph's node attributes, one level down.
    public var subgraphs: [(node: Node, attribute: String, graph: Graph)] {
        var out: [(Node, String, Graph)] = []
        for node in nodes { for a in node.attributes { for g in a.value.graphs { out.append((node, a.name, g)) } } }
        return out
    }

    /// Number of nodes here and in all nested subgraphs.
    public var totalNodeCount: Int {
        nodes.count + subgraphs.reduce(0) { $0 + $1.graph.totalNodeCount }
    }
}

/// `ValueInfoProto`: a named value with its type.
public struct ValueInfo: Sendable, Hashable {
    public var name = ""
    public var type: TypeInfo?
    public var docString = ""
    public var metadataProps: [StringPair] = []
    public init(name: String = "", type: TypeInfo? = nil) {
        self.name = name
        self.type = type
    }
}

/// `NodeProto`.
public struct Node: Sendable {
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var name = ""
    public var opType = ""
    public var domain = ""
    public var overload = ""
    public var attributes: [Attribute] = []
    public var docString = ""
    public var metadataProps: [StringPair] = []
    public var deviceConfigurations: [NodeDeviceConfiguration] = []
    public init(opType: String = "", name: String = "", inputs: [String] = [], outputs: [String] = [], domain: String = "", attributes: [Attribute] = []) {
        self.opType = opType
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.domain = domain
        self.attributes = attributes
    }

    public func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }

    /// "Conv" or "ai.onnx.ml:ZipMap": the op type qualified by a non-default domain.
    public var qualifiedOpType: String {
        let d = OpsetImport.canonicalDomain(domain)
        return d.isEmpty ? opType : "\(d):\(opType)"
    }

    /// A name for messages: the node name, or "OpType#index" style fallbacks chosen by the caller.
    public func displayName(index: Int) -> String {
        name.isEmpty ? "\(opType)_\(index)" : name
    }
}

/// `FunctionProto`: a model-local function.
public struct Function: Sendable {
    public var name = ""
    public var domain = ""
    public var overload = ""
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var attributeNames: [String] = []
    /// Attributes with default values.
    public var attributeDefaults: [Attribute] = []
    public var nodes: [Node] = []
    public var docString = ""
    public var opsetImports: [OpsetImport] = []
    public var valueInfo: [ValueInfo] = []
    public var metadataProps: [StringPair] = []
    public init() {}

    /// The key a node uses to call this function.
    public var qualifiedName: String {
        let d = OpsetImport.canonicalDomain(domain)
        let base = d.isEmpty ? name : "\(d):\(name)"
        return overload.isEmpty ? base : "\(base):\(overload)"
    }
}

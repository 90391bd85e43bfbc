import OnnxModel
import OnnxRuntime

/// Writes one node as a standalone ONNX backend test case: `DIR/model.onnx` (the node alone,
/// every input a graph input, including values a subgraph reads from outer scopes) and
/// `DIR/test_data_set_0/{input,output}_K.pb` with the values it actually had, so that
/// `onnx-explorer test DIR` (or any backend runner) replays it. Public for the headless `run`
/// (`--export-node`).
public enum NodeExporter {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Names a node's subgraphs read from enclosing scopes (used but not defined inside).
    public static func outerNames(_ node: Node) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func walk(_ g: Graph, outerDefined: Set<String>) {
            var defined = outerDefined
            for i in g.inputs { defined.insert(i.name) }
            for t in g.initializers { defined.insert(t.name) }
            for t in g.sparseInitializers { defined.insert(t.values.name) }
            for n in g.nodes {
                for i in n.inputs where !i.isEmpty && !defined.contains(i) {
                    if seen.insert(i).inserted { out.append(i) }
                }
                for a in n.attributes { for sg in a.value.graphs { walk(sg, outerDefined: defined) } }
                for o in n.outputs where !o.isEmpty { defined.insert(o) }
            }
            for o in g.outputs where !defined.contains(o.name) {
                if seen.insert(o.name).inserted { out.append(o.name) }
            }
        }
        for a in node.attributes { for g in a.value.graphs { walk(g, outerDefined: []) } }
        return out
    }

    static func typeInfo(_ v: Value, declared: TypeInfo?) -> TypeInfo? {
        if case let .tensor(t) = v { return TypeInfo.tensor(t.dtype, t.shape.map { Dim.Value.value(Int64($0)) }) }
        return declared
    }

    /// Writes the case. `values` gives the value of an input or outer-scope name; `outputs` are
    /// aligned with `node.outputs`.
    public static func write(model: Model, case c: NodeCase, inputs: [String: Value], outputs: [Value?], directory dir: String) throws(Failure) -> String {
        let node = c.node
        var graphInputs: [ValueInfo] = []
        var feeds: [(String, Value)] = []
        var seen = Set<String>()
        for name in node.inputs.filter({ !$0.isEmpty }) + outerNames(node) where seen.insert(name).inserted {
            guard let v = inputs[name] else { throw Failure(description: "'\(name)' has no value here (run the node first)") }
            graphInputs.append(ValueInfo(name: name, type: typeInfo(v, declared: c.types[name])))
            feeds.append((name, v))
        }
        var graphOutputs: [ValueInfo] = []
        var expected: [(String, Value)] = []
        for (k, name) in node.outputs.enumerated() where !name.isEmpty {
            guard k < outputs.count, let v = outputs[k] else { throw Failure(description: "output '\(name)' has no value (run the node first)") }
            graphOutputs.append(ValueInfo(name: name, type: typeInfo(v, declared: c.types[name])))
            expected.append((name, v))
        }
        var m = Model()
        m.irVersion = max(model.irVersion, 7)
        m.producerName = "onnx-explorer"
        m.producerVersion = "node export"
        m.opsetImports = model.opsetImports
        m.functions = model.functions
        m.docString = "Node '\(node.name)' (\(node.qualifiedOpType)) of \(Files.basename(model.source.path)), with the values it had in an onnx-explorer session."
        var g = Graph()
        g.name = "node_case"
        g.nodes = [node]
        g.inputs = graphInputs
        g.outputs = graphOutputs
        m.graph = g
        let data = Files.join(dir, "test_data_set_0")
        do {
            try Files.makeDirectory(data)
            try Files.write(Files.join(dir, "model.onnx"), ProtoEncoder.encode(m))
            for (k, (name, v)) in feeds.enumerated() { try Files.write(Files.join(data, "input_\(k).pb"), ProtoEncoder.encode(named(v, name))) }
            for (k, (name, v)) in expected.enumerated() { try Files.write(Files.join(data, "output_\(k).pb"), ProtoEncoder.encode(named(v, name))) }
        } catch {
            throw Failure(description: error.description)
        }
        return "wrote \(dir)/model.onnx and \(feeds.count) input and \(expected.count) output files: onnx-explorer test \(dir)"
    }

    public static func named(_ v: Value, _ name: String) -> DataValue {
        if case let .tensor(t) = v { return .tensor(t.tensorData(name: name)) }
        return v.dataValue
    }
}

/// A node to write as a standalone backend test case.
public struct NodeCase: Sendable {
    public var node: Node
    /// Event path for a node of a subgraph frame (its values come from that event), else nil;
    /// with the frame path and the node's index in its graph.
    public var eventPath: String?
    public var frame: String
    public var index: Int
    /// Declared types of names the case uses (fallback for values that are not tensors).
    public var types: [String: TypeInfo]
    public init(node: Node, eventPath: String? = nil, frame: String = "", index: Int = 0, types: [String: TypeInfo]) {
        self.node = node
        self.eventPath = eventPath
        self.frame = frame
        self.index = index
        self.types = types
    }
}

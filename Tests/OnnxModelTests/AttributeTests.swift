import Testing
import OnnxModel
import TestSupport

/// All 15 attribute kinds survive a trip through the file format.
struct AttributeTests {
    static func sampleGraph() -> Graph {
        var g = Graph()
        g.name = "body"
        g.nodes = [Node(opType: "Identity", name: "id", inputs: ["a"], outputs: ["b"])]
        g.inputs = [Fixtures.tensorInfo("a", .float, [])]
        g.outputs = [Fixtures.tensorInfo("b", .float, [])]
        return g
    }

    static func sparse() -> SparseTensorData {
        var s = SparseTensorData()
        s.values = Fixtures.floats("v", [2], [1, 2])
        s.indices = TensorData(name: "i", type: .int64, dims: [2], raw: [1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
        s.dims = [5]
        return s
    }

    static let values: [(String, AttributeValue)] = [
        ("f", .float(0.25)), ("i", .int(-7)), ("s", .string("héllo")), ("t", .tensor(Fixtures.floats("c", [2], [3, 4]))),
        ("g", .graph(sampleGraph())), ("fs", .floats([1, 2.5])), ("is", .ints([1, -2, 3])), ("ss", .strings([Array("a".utf8), []])),
        ("ts", .tensors([Fixtures.floats("c1", [1], [1]), Fixtures.floats("c2", [1], [2])])), ("gs", .graphs([sampleGraph(), sampleGraph()])),
        ("sp", .sparseTensor(sparse())), ("sps", .sparseTensors([sparse()])),
        ("tp", .typeProto(.tensor(.float16, [.param("N"), .value(3)]))),
        ("tps", .typeProtos([TypeInfo(.sequence(.tensor(.int64, nil))), TypeInfo(.map(keyType: DataType.string.rawValue, value: .tensor(.float, [])))])),
        ("u", .undefined),
    ]

    func loaded() throws -> Node {
        let dir = TempDir()
        let node = Node(opType: "Custom", name: "n", inputs: [], outputs: ["y"], domain: "my.domain",
                        attributes: AttributeTests.values.map { Attribute($0.0, $0.1) })
        let m = Fixtures.model(nodes: [node], inputs: [], outputs: [Fixtures.tensorInfo("y", .float, nil)],
                               extraOpsets: [OpsetImport(domain: "my.domain", version: 1)])
        return try ModelLoader.load(path: dir.write("m.onnx", model: m)).graph.nodes[0]
    }

    @Test func everyKindRoundTrips() throws {
        let n = try loaded()
        #expect(n.attributes.map(\.type) == AttributeTests.values.map(\.1.type))
        #expect(Set(n.attributes.map(\.type)).count == 15)
        #expect(n.attribute("f")?.value.floatValue == 0.25)
        #expect(n.attribute("i")?.value.intValue == -7)
        #expect(n.attribute("s")?.value.stringValue == "héllo")
        #expect(try n.attribute("t")?.value.tensorValue?.canonicalBytes().count == 8)
        #expect(n.attribute("g")?.value.graphValue?.nodes.first?.opType == "Identity")
        #expect(n.attribute("fs")?.value.floatsValue == [1, 2.5])
        #expect(n.attribute("is")?.value.intsValue == [1, -2, 3])
        #expect(n.attribute("ss")?.value.stringsValue == ["a", ""])
        if case let .tensors(ts)? = n.attribute("ts")?.value { #expect(ts.map(\.name) == ["c1", "c2"]) } else { Issue.record("tensors") }
        #expect(n.attribute("gs")?.value.graphs.count == 2)
        if case let .sparseTensor(s)? = n.attribute("sp")?.value {
            #expect(s.dims == [5])
            #expect(try s.indices.canonicalBytes().count == 16)
        } else { Issue.record("sparse") }
        if case let .sparseTensors(s)? = n.attribute("sps")?.value { #expect(s.count == 1) } else { Issue.record("sparse_tensors") }
        if case let .typeProto(t)? = n.attribute("tp")?.value { #expect(t.text == "float16[N,3]") } else { Issue.record("tp") }
        if case let .typeProtos(ts)? = n.attribute("tps")?.value {
            #expect(ts.map(\.text) == ["seq(int64[?])", "map(string,float32[])"])
        } else { Issue.record("type_protos") }
    }

    @Test func refAttributesInFunctionsKeepTheirReference() throws {
        let dir = TempDir()
        var f = Function()
        f.name = "Scale"
        f.domain = "fn"
        f.inputs = ["x"]
        f.outputs = ["y"]
        f.attributeNames = ["alpha"]
        f.attributeDefaults = [Attribute("beta", .float(2))]
        var a = Attribute("alpha", .undefined, refAttrName: "alpha")
        a.docString = "from the caller"
        f.nodes = [Node(opType: "LeakyRelu", inputs: ["x"], outputs: ["y"], attributes: [a])]
        f.opsetImports = [OpsetImport(domain: "", version: 17)]
        var m = Fixtures.model(nodes: [Node(opType: "Scale", inputs: ["x"], outputs: ["y"], domain: "fn",
                                            attributes: [Attribute("alpha", .float(0.5))])],
                               inputs: [Fixtures.tensorInfo("x", .float, [.value(2)])], outputs: [Fixtures.tensorInfo("y", .float, [.value(2)])],
                               extraOpsets: [OpsetImport(domain: "fn", version: 1)])
        m.functions = [f]
        let loaded = try ModelLoader.load(path: dir.write("m.onnx", model: m))
        let lf = loaded.functions[0]
        #expect(lf.attributeNames == ["alpha"])
        #expect(lf.attributeDefaults.first?.value.floatValue == 2)
        #expect(lf.nodes[0].attributes[0].refAttrName == "alpha")
        #expect(lf.nodes[0].attributes[0].docString == "from the caller")
        #expect(Validator.validate(loaded).isEmpty)
    }

    @Test func typesAndMetadataRoundTrip() throws {
        let dir = TempDir()
        var m = Fixtures.addRelu()
        m.metadataProps = [StringPair("author", "me"), StringPair("license", "MIT"), StringPair("author", "dup")]
        m.graph.metadataProps = [StringPair("g", "1")]
        m.graph.nodes[0].metadataProps = [StringPair("n", "2")]
        m.docString = "doc"
        m.modelVersion = 3
        m.domain = "org.example"
        var cfg = DeviceConfiguration()
        cfg.name = "mesh"
        cfg.numDevices = 2
        cfg.device = ["cpu:0", "cpu:1"]
        m.configuration = [cfg]
        var ti = TrainingInfo()
        ti.algorithm = AttributeTests.sampleGraph()
        ti.updateBinding = [StringPair("a", "b")]
        m.trainingInfo = [ti]
        m.graph.inputs[0].type = TypeInfo(.optional(TypeInfo(.sequence(.tensor(.float, [.param("N"), .unknown])))), denotation: "IMAGE")
        let l = try ModelLoader.load(path: dir.write("m.onnx", model: m))
        #expect(l.metadataProps.count == 3)
        #expect(l.metadataProps[key: "author"] == "dup")
        #expect(l.graph.metadataProps == [StringPair("g", "1")])
        #expect(l.graph.nodes[0].metadataProps == [StringPair("n", "2")])
        #expect(l.docString == "doc" && l.modelVersion == 3 && l.domain == "org.example")
        #expect(l.configuration.first?.device == ["cpu:0", "cpu:1"])
        #expect(l.trainingInfo.first?.updateBinding == [StringPair("a", "b")])
        #expect(l.graph.inputs[0].type?.text == "optional(seq(float32[N,?]))")
        #expect(l.graph.inputs[0].type?.denotation == "IMAGE")
    }
}

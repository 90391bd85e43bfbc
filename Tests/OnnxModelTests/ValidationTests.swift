import Testing
import OnnxModel
import TestSupport

struct ValidationTests {
    func kinds(_ m: Model) -> [Problem.Kind] { Validator.validate(m).map(\.kind) }

    @Test func cleanModelHasNoProblems() {
        #expect(Validator.validate(Fixtures.addRelu()).isEmpty)
    }

    @Test func cycleIsReportedByNodeName() {
        var m = Fixtures.addRelu()
        m.graph.nodes[0].inputs = ["x", "y"]
        let p = Validator.validate(m)
        #expect(p.contains { $0.kind == .cycle && $0.message.contains("'add'") && $0.message.contains("'relu'") })
    }

    @Test func undefinedInput() {
        var m = Fixtures.addRelu()
        m.graph.nodes[1].inputs = ["ghost"]
        let p = Validator.validate(m)
        #expect(p.contains { $0.kind == .undefinedInput && $0.location.contains("'relu'") && $0.message.contains("'ghost'") })
    }

    @Test func duplicateOutput() {
        var m = Fixtures.addRelu()
        m.graph.nodes[1].outputs = ["s"]
        m.graph.outputs[0].name = "s"
        #expect(kinds(m).contains(.duplicateOutput))
    }

    @Test func missingOpsetImport() {
        var m = Fixtures.addRelu()
        m.graph.nodes[1].domain = "com.vendor"
        let p = Validator.validate(m)
        #expect(p.contains { $0.kind == .missingOpsetImport && $0.message.contains("com.vendor") })
    }

    @Test func tensorDataLengthMismatch() {
        var m = Fixtures.addRelu()
        m.graph.initializers[0] = TensorData(name: "b", type: .float, dims: [3], raw: [0, 0])
        let p = Validator.validate(m)
        #expect(p.contains { $0.isDataError && $0.location.contains("'b'") })
    }

    @Test func unsortedNodesAreAWarningNotACycle() {
        var m = Fixtures.addRelu()
        m.graph.nodes.reverse()
        #expect(kinds(m) == [.unsortedNodes])
    }

    @Test func subgraphsSeeOuterScope() {
        var body = Graph()
        body.nodes = [Node(opType: "Add", inputs: ["x", "b"], outputs: ["z"])]
        body.outputs = [Fixtures.tensorInfo("z", .float, nil)]
        var m = Fixtures.addRelu()
        m.graph.nodes.append(Node(opType: "If", name: "if", inputs: ["c"], outputs: ["o"], attributes: [Attribute("then_branch", .graph(body))]))
        m.graph.inputs.append(Fixtures.tensorInfo("c", .bool, []))
        #expect(Validator.validate(m).isEmpty)
        m.graph.nodes[2].attributes[0].value = .graph({ var b = body; b.nodes[0].inputs = ["nowhere"]; return b }())
        #expect(kinds(m).contains(.undefinedInput))
    }
}

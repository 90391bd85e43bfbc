import Testing
import OnnxModel
import Reports
import TestSupport

/// Hostile models beyond the per-finding fixtures: each gives its finding or a clean error.
struct HostileCorpusTests {
    @Test func hundredThousandNodeGraph() throws {
        var nodes: [Node] = []
        nodes.reserveCapacity(100_000)
        var prev = "x"
        for i in 0..<100_000 {
            let out = "v\(i)"
            nodes.append(Node(opType: i % 2 == 0 ? "Relu" : "Neg", name: "n\(i)", inputs: [prev], outputs: [out]))
            prev = out
        }
        let m = Fixtures.model(nodes: nodes, inputs: [Fixtures.tensorInfo("x", .float, [.value(4)])],
                               outputs: [Fixtures.tensorInfo(prev, .float, [.value(4)])])
        let dir = TempDir()
        let loaded = try ModelLoader.load(path: dir.write("big.onnx", model: m))
        #expect(loaded.graph.nodes.count == 100_000)
        #expect(Validator.validate(loaded).isEmpty)
        let info = InfoReport(model: loaded, problems: []).json
        #expect(info["node_count"] == .int(100_000))
        let audit = AuditReport(model: loaded)
        #expect(audit.findings.allSatisfy { $0.severity != .error })
    }

    @Test func zeroSizedAndGiantShapes() throws {
        var m = Fixtures.addRelu()
        m.graph.initializers.append(TensorData(name: "empty", type: .float, dims: [0, 1 << 20], raw: []))
        m.graph.initializers.append(TensorData(name: "giant", type: .float, dims: [1 << 31, 1 << 31, 1 << 31], raw: [0, 0, 0, 0]))
        m.graph.initializers.append(TensorData(name: "negative", type: .float, dims: [-1, 4], raw: []))
        let dir = TempDir()
        let loaded = try ModelLoader.load(path: dir.write("m.onnx", model: m))
        #expect(try loaded.graph.initializers[1].canonicalBytes().count == 0)
        #expect(throws: LoadError.self) { try loaded.graph.initializers[2].canonicalBytes() }
        #expect(throws: LoadError.self) { try loaded.graph.initializers[3].canonicalBytes() }
        let problems = Validator.validate(loaded).filter(\.isDataError)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.location.contains("'giant'") && $0.message.contains("overflow") })
        let audit = AuditReport(model: loaded)
        #expect(audit.findings.filter { $0.id == FindingID.rawDataLength.rawValue }.count == 2)
        _ = InfoReport(model: loaded, problems: problems).text
    }

    @Test func repeatedFindingsAreCapped() throws {
        var m = Fixtures.addRelu()
        for i in 0..<500 { m.graph.initializers.append(Fixtures.floats("unused\(i)", [1], [0])) }
        let audit = AuditReport(model: m)
        let unused = audit.findings.filter { $0.id == FindingID.unusedInitializer.rawValue }
        #expect(unused.count == 51)
        #expect(unused.last?.message.contains("not listed") == true)
    }
}

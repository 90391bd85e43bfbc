import Foundation
import OnnxModel
import Testing
import TestSupport

/// `run` as the debugger's headless twin: comparison with a reference, first divergence,
/// `--break-on diff`, node export, and the errors of those options.
@Suite(.serialized) struct RunDebugCLITests {
    /// y = Relu(MatMul(x + b, W)) * 2: three nodes; `W` is read only by "project".
    static func chain(weights w: [Float]) -> Model {
        Fixtures.model(nodes: [Node(opType: "Add", name: "shift", inputs: ["x", "b"], outputs: ["s"]),
                               Node(opType: "MatMul", name: "project", inputs: ["s", "W"], outputs: ["p"]),
                               Node(opType: "Relu", name: "clip", inputs: ["p"], outputs: ["r"]),
                               Node(opType: "Add", name: "double", inputs: ["r", "r"], outputs: ["y"])],
                       inputs: [Fixtures.tensorInfo("x", .float, [.value(2), .value(3)])],
                       outputs: [Fixtures.tensorInfo("y", .float, [.value(2), .value(2)])],
                       initializers: [Fixtures.floats("b", [3], [0.5, -1, 2]), Fixtures.floats("W", [3, 2], w)])
    }

    static let weights: [Float] = [1, 0.5, -0.25, 2, 0.75, 1.5]

    @Test func firstDivergenceNamesTheConsumerOfPerturbedWeights() throws {
        let dir = TempDir()
        let good = dir.write("good.onnx", model: Self.chain(weights: Self.weights))
        var perturbed = Self.weights
        perturbed[4] += 0.5  // W[2, 0]: changes p[*, 0] only
        let bad = dir.write("bad.onnx", model: Self.chain(weights: perturbed))
        let x = dir.write("x.npy", RunTestBenchCLITests.npy([2, 3], [1, 2, 3, 4, 5, 6]))
        let ref = dir.file("ref")
        let r0 = try CLI.run(["run", good, "--input", "x=\(x)", "--dump-dir", ref])
        #expect(r0.status == 0, "\(r0.stderr)")

        // The unchanged model matches its own dump everywhere.
        let same = try CLI.run(["run", good, "--input", "x=\(x)", "--reference", ref, "--first-divergence", "--json"])
        #expect(same.status == 0, "\(same.stderr)")
        let sj = try CLI.json(same.stdout)
        #expect(sj["divergence"] is NSNull)
        #expect(sj["stopped_at"] is NSNull)
        #expect((sj["reference"] as? [String: Any])?["compared_nodes"] as? Int == 4)

        let r = try CLI.run(["run", bad, "--input", "x=\(x)", "--reference", ref, "--first-divergence", "--json"])
        #expect(r.status == 1, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        let stop = j["stopped_at"] as? [String: Any]
        #expect(stop?["node"] as? String == "project")
        #expect(stop?["op_type"] as? String == "MatMul")
        #expect(j["nodes_executed"] as? Int == 2)
        let d = j["divergence"] as? [String: Any]
        #expect(d?["node"] as? String == "project")
        #expect(d?["tensor"] as? String == "p")
        // s = x + b = [[1.5, 1, 5], [4.5, 4, 8]]: the perturbation adds 0.5 * s[i, 2] to p[i, 0],
        // largest in row 1 (4.0 on the reference 9.5); relatively largest in row 0 (2.5 on 5).
        #expect(abs((d?["max_abs_error"] as? Double ?? 0) - 4.0) < 1e-4)
        #expect(abs((d?["max_rel_error"] as? Double ?? 0) - 0.5) < 1e-4)
        #expect(d?["index"] as? [Int] == [1, 0])
        #expect(d?["flat_index"] as? Int == 2)
        #expect(d?["differing"] as? Int == 2)

        let text = try CLI.run(["run", bad, "--input", "x=\(x)", "--reference", ref, "--first-divergence"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("stopped at node 'project' (MatMul): first divergence: output 'p' differs from the reference: max abs error 4"), "\(text.stdout)")
        #expect(text.stdout.contains("at index [1, 0] (flat 2)"))

        // Without a stop the run goes on and still reports the first divergence and the count.
        let all = try CLI.run(["run", bad, "--input", "x=\(x)", "--reference", ref, "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        let aj = try CLI.json(all.stdout)
        #expect(aj["nodes_executed"] as? Int == 4)
        #expect((aj["divergence"] as? [String: Any])?["node"] as? String == "project")
        #expect((aj["reference"] as? [String: Any])?["differing_nodes"] as? Int == 3)
    }

    @Test func breakOnDiffStopsAfterTheNodeThatDiffersFromATestDataSet() throws {
        let dir = TempDir()
        let model = dir.write("case/model.onnx", model: Fixtures.addRelu())
        dir.write("case/test_data_set_0/input_0.pb", ProtoEncoder.encode(Fixtures.floats("x", [1, 3], [1, 1, 1])))
        dir.write("case/test_data_set_0/output_0.pb", ProtoEncoder.encode(Fixtures.floats("y", [1, 3], [2, 0, 4.5])))
        let x = dir.write("x.npy", RunTestBenchCLITests.npy([1, 3], [1, 1, 1]))
        // The inputs come from the test data set when not given.
        let r = try CLI.run(["run", model, "--reference", dir.file("case"), "--break-on", "diff", "--json"])
        #expect(r.status == 1, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        let stop = j["stopped_at"] as? [String: Any]
        #expect(stop?["node"] as? String == "relu")
        #expect((stop?["reason"] as? String ?? "").hasPrefix("breakpoint diff: output 'y' differs"))
        let d = j["divergence"] as? [String: Any]
        #expect(d?["tensor"] as? String == "y")
        #expect(d?["index"] as? [Int] == [0, 2])
        #expect(abs((d?["max_abs_error"] as? Double ?? 0) - 0.5) < 1e-6)
        // Within a looser tolerance nothing differs and the run finishes.
        let loose = try CLI.run(["run", model, "--input", "x=\(x)", "--reference", dir.file("case"), "--break-on", "diff", "--atol", "0.6"])
        #expect(loose.status == 0, "\(loose.stdout)\(loose.stderr)")
        #expect(loose.stdout.contains("1 node compared, 0 differ"))
    }

    @Test func exportedNodePassesTheTestCommand() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Self.chain(weights: Self.weights))
        let x = dir.write("x.npy", RunTestBenchCLITests.npy([2, 3], [1, 2, 3, 4, 5, 6]))
        let out = dir.file("project_case")
        let r = try CLI.run(["run", model, "--input", "x=\(x)", "--export-node", "project", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        let exported = j["exported"] as? [[String: Any]]
        #expect(exported?.first?["node"] as? String == "project")
        #expect(exported?.first?["path"] as? String == out)
        #expect(FileManager.default.fileExists(atPath: out + "/test_data_set_0/input_1.pb"))
        let t = try CLI.run(["test", out])
        #expect(t.status == 0, "\(t.stdout)\(t.stderr)")
        #expect(t.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"), "\(t.stdout)")
        let model2 = dir.write("m2.onnx", model: Self.chain(weights: Self.weights.map { $0 * 2 }))
        let out2 = dir.file("case2")
        // MODEL after the option's two values also works.
        let r2 = try CLI.run(["run", "--input", "x=\(x)", "--export-node", "clip", out2, model2])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stdout.contains("exported node 'clip' to \(out2)"))
        #expect(try CLI.run(["test", out2]).status == 0)
        // A node the run never reaches is not exported: exit 1 and a note.
        let r3 = try CLI.run(["run", model, "--input", "x=\(x)", "--break-on", "op:Relu", "--export-node", "double", dir.file("never")])
        #expect(r3.status == 1)
        #expect(r3.stdout.contains("not exported: node 'double' did not run"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("never")))
    }

    @Test func debugOptionErrorsExitTwo() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let x = dir.write("x.npy", RunTestBenchCLITests.npy([1, 3], [1, 1, 1]))
        dir.write("unrelated/zzz.npy", RunTestBenchCLITests.npy([1, 3], [1, 1, 1]))
        let cases: [[String]] = [
            ["--reference", dir.file("missing")],
            ["--reference", dir.file("unrelated")],
            ["--first-divergence"],
            ["--break-on", "diff"],
            ["--break-on", "node:nope"],
            ["--export-node", "nope", dir.file("out")],
            ["--export-node", "add"],
            ["--reference", dir.file("unrelated"), "--rtol=-1"],
        ]
        for extra in cases {
            let r = try CLI.run(["run", model, "--input", "x=\(x)"] + extra)
            #expect(r.status == 2, "\(extra): \(r.stdout)")
            #expect(r.stdout.isEmpty, "\(extra)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(extra): \(r.stderr)")
        }
        let missing = try CLI.run(["run", model, "--input", "x=\(x)", "--reference", dir.file("missing")])
        #expect(missing.stderr.contains(dir.file("missing")))
        let unknown = try CLI.run(["run", model, "--input", "x=\(x)", "--export-node", "nope", dir.file("out")])
        #expect(unknown.stderr.contains("no node named 'nope'"))
    }
}

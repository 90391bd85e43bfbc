import Foundation
import OnnxModel
import Testing
import TestSupport

/// `run`, `test` and `bench` as a user runs them: the JSON contracts, exit codes, dump folder.
@Suite(.serialized) struct RunTestBenchCLITests {
    /// A float32 .npy file.
    static func npy(_ shape: [Int], _ values: [Float]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        out += Array(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        return out
    }

    @Test func runJSONContract() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let x = dir.write("x.npy", Self.npy([2, 3], [1, 1, 1, -9, 0, 0]))
        let r = try CLI.run(["run", model, "--input", "x=\(x)", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        #expect(j["nodes_executed"] as? Int == 2)
        #expect(j["stopped_at"] is NSNull)
        let outs = j["outputs"] as? [[String: Any]]
        #expect(outs?.first?["name"] as? String == "y")
        #expect(outs?.first?["dtype"] as? String == "float32")
        #expect(outs?.first?["shape"] as? [Int] == [2, 3])
        #expect(outs?.first?["min"] as? Double == 0)
        #expect(outs?.first?["max"] as? Double == 4)
        #expect(outs?.first?["nan_count"] as? Int == 0)
        #expect(outs?.first?["inf_count"] as? Int == 0)
    }

    @Test func randomIdsStayInsideTheEmbeddingTableTheyIndex() throws {
        // ids -> Gather(table of 2 rows): random ids from 0..<10 would fall outside the table.
        let m = Fixtures.model(nodes: [Node(opType: "Gather", name: "embed", inputs: ["table", "ids"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("ids", .int64, [.value(64)])],
                               outputs: [Fixtures.tensorInfo("y", .float, [.value(64), .value(3)])],
                               initializers: [Fixtures.floats("table", [2, 3], [0, 0, 0, 1, 1, 1])])
        let dir = TempDir()
        let model = dir.write("m.onnx", model: m)
        let r = try CLI.run(["run", model, "--random-inputs", "--seed", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = (try CLI.json(r.stdout)["outputs"] as? [[String: Any]])?.first
        // Both rows were picked (64 draws), and nothing outside them.
        #expect(out?["min"] as? Double == 0)
        #expect(out?["max"] as? Double == 1)
    }

    @Test func runTextLinesAndDumpDir() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let dump = dir.file("dump")
        let r = try CLI.run(["run", model, "--random-inputs", "--dim", "N=4", "--seed", "7", "--dump-dir", dump])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Add(x, b) -> s  float32[4,3] in ["))
        #expect(r.stdout.contains("Relu(s) -> y  float32[4,3] in [0, "))
        let index = try CLI.json(String(contentsOfFile: dump + "/index.json", encoding: .utf8))
        let tensors = index["tensors"] as? [String: [String: Any]]
        #expect(Set(tensors?.keys.map { $0 } ?? []) == ["x", "s", "y"])
        #expect(tensors?["s"]?["node"] as? String == "add")
        #expect(tensors?["s"]?["dtype"] as? String == "float32")
        #expect(tensors?["s"]?["shape"] as? [Int] == [4, 3])
        for key in ["file", "min", "max", "mean", "nan_count", "inf_count"] { #expect(tensors?["y"]?[key] != nil, "\(key)") }
        let file = tensors?["y"]?["file"] as? String ?? ""
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dump + "/" + file))
        #expect(bytes.prefix(6) == Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]))
    }

    @Test func breakOnNaNStopsWithExitOne() throws {
        let dir = TempDir()
        let m = Fixtures.model(nodes: [Node(opType: "Sqrt", name: "root", inputs: ["x"], outputs: ["r"]),
                                       Node(opType: "Neg", name: "neg", inputs: ["r"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, [.value(3)])], outputs: [Fixtures.tensorInfo("y", .float, [.value(3)])])
        let model = dir.write("m.onnx", model: m)
        let x = dir.write("x.npy", Self.npy([3], [4, -1, 9]))
        let r = try CLI.run(["run", model, "--input", "x=\(x)", "--break-on", "nan", "--json"])
        #expect(r.status == 1)
        let j = try CLI.json(r.stdout)
        let stop = j["stopped_at"] as? [String: Any]
        #expect(stop?["node"] as? String == "root")
        #expect(stop?["op_type"] as? String == "Sqrt")
        let reason = (stop?["reason"] as? String) ?? ""
        #expect(reason.contains("NaN"))
        #expect(j["nodes_executed"] as? Int == 1)
        let b = try CLI.run(["run", model, "--input", "x=\(x)", "--break-on", "op:Neg"])
        #expect(b.status == 1)
        #expect(b.stdout.contains("stopped at node 'neg' (Neg): breakpoint op:Neg"))
    }

    @Test func runBadArgumentsExitTwo() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        for args in [["run", model], ["run", model, "--input", "nope=\(dir.file("x.npy"))"], ["run", model, "--break-on", "sometimes"],
                     ["run", model, "--input", "x=\(dir.file("missing.npy"))"], ["run", dir.file("missing.onnx")]] {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }

    static func writeCase(_ dir: TempDir, _ name: String, expected: [Float]) {
        dir.write("\(name)/model.onnx", model: Fixtures.addRelu())
        dir.write("\(name)/test_data_set_0/input_0.pb", ProtoEncoder.encode(Fixtures.floats("x", [1, 3], [1, 1, 1])))
        dir.write("\(name)/test_data_set_0/output_0.pb", ProtoEncoder.encode(Fixtures.floats("y", [1, 3], expected)))
    }

    @Test func testCommandLinesSummaryAndJSON() throws {
        let dir = TempDir()
        Self.writeCase(dir, "test_good", expected: [2, 0, 4])
        Self.writeCase(dir, "test_bad", expected: [2, 0, 5])
        let r = try CLI.run(["test", dir.path])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("PASS test_good"))
        let failLine = lines.first(where: { $0.hasPrefix("FAIL test_bad: ") }) ?? ""
        #expect(failLine.hasPrefix("FAIL test_bad: output 'y': max abs error 1.0"), "\(failLine)")
        #expect(lines.last == "1 passed, 1 failed, 0 skipped")
        let j = try CLI.json(try CLI.run(["test", dir.path, "--json"]).stdout)
        #expect(j["passed"] as? Int == 1)
        #expect(j["failed"] as? Int == 1)
        #expect(j["skipped"] as? Int == 0)
        let cases = j["cases"] as? [[String: Any]]
        #expect(cases?.count == 2)
        #expect(cases?.first?["status"] as? String == "fail")
        #expect(cases?.first?["reason"] != nil)
        #expect((j["ops"] as? [String: Any])?["Relu"] != nil)
        let only = try CLI.run(["test", dir.path, "--filter", "good$"])
        #expect(only.status == 0)
        #expect(only.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"))
    }

    @Test func testCommandRunsFunctionBodies() throws {
        // Relu (opset 17) has a schema function body: --function-bodies runs it from the body, in
        // the worker processes and in-process alike.
        let dir = TempDir()
        Self.writeCase(dir, "test_good", expected: [2, 0, 4])
        for extra in [[String](), ["--in-process"]] {
            let r = try CLI.run(["test", dir.path, "--function-bodies"] + extra)
            #expect(r.status == 0, "\(extra): \(r.stdout) \(r.stderr)")
            #expect(r.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"), "\(extra)")
        }
    }

    @Test func benchJSONContract() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let r = try CLI.run(["bench", model, "--runs", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        #expect(j["runs"] as? Int == 3)
        for key in ["median_ms", "min_ms", "max_ms", "peak_rss_bytes"] { #expect(j[key] != nil, "\(key)") }
        #expect((j["peak_rss_bytes"] as? Int ?? 0) > 0)
    }

    @Test func benchCompareObserveReportsBothMediansAndTheOverhead() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let r = try CLI.run(["bench", model, "--runs", "3", "--compare-observe", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try CLI.json(r.stdout)
        #expect(j["runs"] as? Int == 3)
        #expect(j["nodes_per_run"] as? Int == 2)
        for key in ["plain_median_ms", "observed_median_ms", "plain_min_ms", "observed_min_ms"] { #expect((j[key] as? Double ?? -1) >= 0, "\(key)") }
        #expect(j["overhead_percent"] as? Double != nil)
        let text = try CLI.run(["bench", model, "--runs", "2", "--compare-observe"])
        #expect(text.stdout.hasPrefix("2 pairs of runs, 2 nodes per run: plain median "), "\(text.stdout)")
    }

    @Test func benchProfileSplitsTheRunByOpTypeAndNode() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let r = try CLI.run(["bench", model, "--runs", "3", "--profile", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try #require(try CLI.json(r.stdout)["profile"] as? [String: Any])
        let ops = try #require(p["ops"] as? [[String: Any]])
        #expect(Set(ops.compactMap { $0["op_type"] as? String }) == ["Add", "Relu"])
        for o in ops {
            #expect(o["nodes"] as? Int == 1)
            #expect(o["calls_per_run"] as? Double == 1)
        }
        let share = ops.compactMap { $0["percent"] as? Double }.reduce(0, +)
        #expect(abs(share - 100) < 0.5, "percent adds to \(share)")
        let nodes = try #require(p["nodes"] as? [[String: Any]])
        #expect(nodes.count == 2)
        #expect(nodes.allSatisfy { ($0["output"] as? String)?.hasPrefix("float32[") == true })
        let top1 = try CLI.run(["bench", model, "--runs", "1", "--profile", "--top", "1", "--json"])
        #expect((try CLI.json(top1.stdout)["profile"] as? [String: Any])?["nodes"].map { ($0 as? [Any])?.count } == 1)
        let text = try CLI.run(["bench", model, "--runs", "2", "--profile"])
        #expect(text.stdout.contains("self time per op type"), "\(text.stdout)")
        #expect(text.stdout.contains("slowest nodes:"))
        let plain = try CLI.run(["bench", model, "--runs", "1", "--json"])
        #expect(try CLI.json(plain.stdout)["profile"] is NSNull)
    }

    /// Loop and Scan bodies: iterations fold into one row per body node, and the Loop/Scan rows
    /// keep only their own time, so the op rows add up to the run.
    @Test func benchProfileFoldsLoopIterations() throws {
        let sample = repoRootForCLI.appendingPathComponent("samples/control_flow.onnx").path
        let r = try CLI.run(["bench", sample, "--runs", "2", "--profile", "--top", "50", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try #require(try CLI.json(r.stdout)["profile"] as? [String: Any])
        let nodes = try #require(p["nodes"] as? [[String: Any]])
        let names = nodes.compactMap { $0["node"] as? String }
        #expect(!names.contains { $0.contains("[iter") }, "\(names)")
        #expect(names.contains { $0.hasPrefix("accumulate/body/") }, "\(names)")
        let ops = try #require(p["ops"] as? [[String: Any]])
        let share = ops.compactMap { $0["percent"] as? Double }.reduce(0, +)
        #expect(abs(share - 100) < 1, "percent adds to \(share)")
        #expect(try CLI.run(["bench", sample, "--profile", "--compare-observe"]).status == 2)
    }
}

private let repoRootForCLI = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

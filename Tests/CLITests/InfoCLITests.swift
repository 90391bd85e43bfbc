import Foundation
import Testing
import OnnxModel
import TestSupport

/// `onnx-explorer info` as a user runs it: the JSON contract, the text report, and bad input.
@Suite(.serialized) struct InfoCLITests {
    @Test func jsonContractOnAFixture() throws {
        let dir = TempDir()
        var m = Fixtures.addRelu()
        m.producerVersion = "9.9"
        m.metadataProps = [StringPair("license", "MIT")]
        let path = dir.write("m.onnx", model: m)
        let r = try CLI.run(["info", path, "--json"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty)
        let j = try CLI.json(r.stdout)
        #expect(j["ir_version"] as? Int == 8)
        #expect(j["producer_name"] as? String == "onnx-explorer-tests")
        #expect(j["producer_version"] as? String == "9.9")
        #expect(j["graph_name"] as? String == "test")
        #expect(j["node_count"] as? Int == 2)
        #expect(j["total_node_count"] as? Int == 2)
        #expect(j["initializer_count"] as? Int == 1)
        #expect(j["parameter_count"] as? Int == 3)
        #expect(j["weight_bytes"] as? Int == 12)
        #expect((j["op_types"] as? [String: Int]) == ["Add": 1, "Relu": 1])
        #expect((j["metadata_props"] as? [String: String]) == ["license": "MIT"])
        let inputs = j["inputs"] as? [[String: Any]]
        #expect(inputs?.first?["name"] as? String == "x")
        #expect(inputs?.first?["dtype"] as? String == "float32")
        #expect((inputs?.first?["shape"] as? [Any]).map { "\($0)" } == "[\"N\", 3]")
        let opsets = j["opset_imports"] as? [[String: Any]]
        #expect(opsets?.first?["version"] as? Int == 17)
        for key in ["domain", "model_version", "doc_string", "external_files", "outputs", "functions"] {
            #expect(j[key] != nil, "missing key \(key)")
        }
    }

    @Test func embeddedSampleWithoutAModel() throws {
        let r = try CLI.run(["info", "--json"])
        #expect(r.status == 0)
        let j = try CLI.json(r.stdout)
        #expect((j["node_count"] as? Int ?? 0) > 0)
        #expect((j["file"] as? String ?? "").contains("embedded"))
    }

    @Test func textReportEscapesControlCharacters() throws {
        let dir = TempDir()
        var m = Fixtures.addRelu()
        m.producerName = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J"
        m.metadataProps = [StringPair("note", "line1\nline2\u{202e}")]
        let r = try CLI.run(["info", dir.write("m.onnx", model: m)])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("\u{1b}"))
        #expect(!r.stdout.contains("\u{202e}"))
        #expect(r.stdout.contains("evil\\e]0;pwned"))
    }

    /// Each bad input: exit 2, one line on stderr naming the file and the problem, nothing on stdout.
    func expectBadInput(_ args: [String], mentions: String, file: String) throws {
        let r = try CLI.run(args)
        #expect(r.status == 2, "\(args): status \(r.status), stderr \(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(file), "\(args): \(r.stderr)")
        #expect(r.stderr.lowercased().contains(mentions), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func badInputs() throws {
        let dir = TempDir()
        let empty = dir.write("empty.onnx", [])
        try expectBadInput(["info", empty], mentions: "empty", file: "empty.onnx")
        let text = dir.write("text.onnx", Array("ir_version: 8\ngraph { }\n".utf8))
        try expectBadInput(["info", text], mentions: "protobuf", file: "text.onnx")
        let full = ProtoEncoder.encode(Fixtures.addRelu())
        let cut = dir.write("cut.onnx", Array(full.prefix(full.count - 5)))
        try expectBadInput(["info", cut], mentions: "truncated", file: "cut.onnx")
        try expectBadInput(["info", dir.path], mentions: "directory", file: dir.path)
        try expectBadInput(["info", dir.file("missing.onnx")], mentions: "no such file", file: "missing.onnx")

        var wrong = Fixtures.addRelu()
        wrong.graph.initializers[0] = TensorData(name: "b", type: .float, dims: [3], raw: [UInt8](repeating: 0, count: 20))
        try expectBadInput(["info", dir.write("wrong.onnx", model: wrong)], mentions: "raw_data has 20 bytes", file: "wrong.onnx")

        var overflow = Fixtures.addRelu()
        overflow.graph.initializers[0] = TensorData(name: "b", type: .float, dims: [1 << 40, 1 << 40], raw: [])
        try expectBadInput(["info", dir.write("overflow.onnx", model: overflow)], mentions: "overflow", file: "overflow.onnx")

        var ext = Fixtures.addRelu()
        ext.graph.initializers[0].payload = .none
        ext.graph.initializers[0].dataLocation = 1
        ext.graph.initializers[0].externalData = [StringPair("location", "../../etc/passwd")]
        try expectBadInput(["info", dir.write("escape.onnx", model: ext)], mentions: "model's folder", file: "escape.onnx")
        ext.graph.initializers[0].externalData = [StringPair("location", "gone.bin")]
        try expectBadInput(["info", dir.write("gone.onnx", model: ext)], mentions: "missing", file: "gone.bin")
        dir.write("short.bin", [1, 2, 3])
        ext.graph.initializers[0].externalData = [StringPair("location", "short.bin"), StringPair("offset", "0"), StringPair("length", "12")]
        try expectBadInput(["info", dir.write("short.onnx", model: ext)], mentions: "past the end", file: "short.bin")
    }

    /// Root reads everything, so the unreadable case runs the binary as `nobody` when the tests run as root.
    @Test func unreadableFile() throws {
        let dir = TempDir()
        let path = dir.write("secret.onnx", model: Fixtures.addRelu())
        chmod(dir.path, 0o755)
        chmod(path, 0o000)
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
            let r = try CLI.run(["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary, "info", path], executable: "/usr/bin/setpriv")
            #expect(r.status == 2)
            #expect(r.stderr.contains("secret.onnx: permission denied"))
        } else {
            try expectBadInput(["info", path], mentions: "permission denied", file: "secret.onnx")
        }
    }

    @Test func badArgumentsExitTwo() throws {
        let r = try CLI.run(["info", "--no-such-flag"])
        #expect(r.status == 2)
        #expect(!r.stderr.isEmpty)
        let h = try CLI.run(["info", "--help"])
        #expect(h.status == 0)
        #expect(h.stdout.contains("--json"))
    }

    @Test func modelFileIsNeverWritten() throws {
        let dir = TempDir()
        let path = dir.write("m.onnx", model: Fixtures.addRelu())
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        _ = try CLI.run(["info", path, "--json"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)
    }
}

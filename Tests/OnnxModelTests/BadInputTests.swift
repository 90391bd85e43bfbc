import Foundation
import Testing
import OnnxModel
import TestSupport

/// Malformed files fail with one clear error naming the file: no crash, no trap, no hang.
struct BadInputTests {
    func loadError(_ path: String) -> LoadError? {
        do { _ = try ModelLoader.load(path: path); return nil } catch { return error }
    }

    @Test func emptyFile() {
        let dir = TempDir()
        let e = loadError(dir.write("e.onnx", []))
        #expect(e?.message.contains("empty") == true)
        #expect(e?.path.hasSuffix("e.onnx") == true)
    }

    @Test func missingFile() {
        #expect(loadError("/nonexistent/x.onnx")?.message == "no such file")
    }

    @Test func directory() {
        let dir = TempDir()
        #expect(loadError(dir.path)?.message.contains("directory") == true)
    }

    @Test func fifoDoesNotHang() {
        let dir = TempDir()
        mkfifo(dir.file("p.onnx"), 0o600)
        #expect(loadError(dir.file("p.onnx"))?.message.contains("not a regular file") == true)
    }

    @Test func textIsNotAProtobuf() {
        let dir = TempDir()
        let e = loadError(dir.write("t.onnx", Array("hello, this is not a model\n".utf8)))
        #expect(e != nil)
    }

    @Test func truncatedFilesFailAtEveryLength() throws {
        let full = ProtoEncoder.encode(Fixtures.addRelu())
        let dir = TempDir()
        var failures = 0
        for cut in stride(from: 1, to: full.count, by: 3) {
            if loadError(dir.write("t\(cut).onnx", Array(full.prefix(cut)))) != nil { failures += 1 }
        }
        // A cut at a field boundary can still be a (smaller) valid message; most cuts must fail.
        #expect(failures > full.count / 6)
        #expect(loadError(dir.write("full.onnx", full)) == nil)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let n = Int.random(in: 1...200, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? ModelLoader.load(bytes: bytes, label: "random")
        }
    }

    static func varint(_ v: Int) -> [UInt8] {
        var v = UInt64(v), out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    static func field(_ number: Int, _ body: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(body.count) + body }

    /// A model whose graph nests If nodes `depth` levels deep, built directly in wire format
    /// (the IR of such a model would itself be too deep to build comfortably).
    static func nested(depth: Int) -> [UInt8] {
        var graph = field(2, Array("leaf".utf8))
        for _ in 0..<depth {
            let attribute = field(1, Array("then_branch".utf8)) + field(6, graph) + [0xa0, 0x01, 0x05]  // type = GRAPH
            let node = field(4, Array("If".utf8)) + field(5, attribute)
            graph = field(1, node)
        }
        return [0x08, 0x08] + field(7, graph) + field(8, [0x10, 0x11])
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let dir = TempDir()
        #expect(loadError(dir.write("ok.onnx", BadInputTests.nested(depth: 20))) == nil)
        let e = loadError(dir.write("deep.onnx", BadInputTests.nested(depth: 3000)))
        #expect(e?.message.contains("nested deeper") == true)
    }

    @Test func deeplyNestedTypesAreRefused() {
        var t = TypeInfo.tensor(.float, [])
        for _ in 0..<5000 { t = TypeInfo(.sequence(t)) }
        var m = Fixtures.addRelu()
        m.graph.inputs[0].type = t
        let dir = TempDir()
        #expect(loadError(dir.write("deep.onnx", model: m))?.message.contains("nested deeper") == true)
    }

    @Test func nonUTF8StringsAreKeptAndReported() throws {
        var m = Fixtures.addRelu()
        m.producerName = "ok"
        var bytes = ProtoEncoder.encode(m)
        // Patch "ok" into invalid UTF-8.
        if let i = bytes.firstIndex(of: UInt8(ascii: "o")), bytes[i + 1] == UInt8(ascii: "k") {
            bytes[i] = 0xff
        }
        let l = try ModelLoader.load(bytes: bytes, label: "m")
        #expect(l.nonUTF8Strings.contains("producer_name"))
        #expect(l.producerName.contains("\u{FFFD}"))
    }

    @Test func markerFieldFromTheFileIsIgnored() throws {
        // A hostile file that carries our internal marker field must not alias another tensor's data.
        var w: [UInt8] = []
        let t = Fixtures.floats("w", [1], [1])
        var tb = ProtoEncoder.encode(t)
        tb += [0x82, 0xc7, 0xff, 0xff, 0x0f, 0x01, 0x00]
        var g: [UInt8] = [0x2a, UInt8(tb.count)] + tb
        g = [0x3a, UInt8(g.count)] + g
        w = [0x08, 0x08] + g
        let m = try ModelLoader.load(bytes: w, label: "m")
        #expect(try m.graph.initializers[0].canonicalBytes().count == 4)
    }
}

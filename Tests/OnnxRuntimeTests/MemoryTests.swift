import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// What a run holds in memory: a plain run (intermediates not kept) frees every intermediate after
/// its last use, in the main graph, in subgraph bodies and for control-flow and function outputs;
/// shape-only ops return views of their input's storage; initializers copied out of the mapped
/// file are correct after the file's pages are dropped.
@Suite struct MemoryTests {
    static func plain() -> Interpreter.Options {
        var o = Interpreter.Options()
        o.keepIntermediates = false
        return o
    }

    /// x -> Neg a -> Loop (3 x: acc + a, body value t freed inside) y -> Double (function) d -> Relu out.
    static func model() -> Model {
        let body = Fixtures.accumulatorBody([Node(opType: "Add", name: "add", inputs: ["acc", "a"], outputs: ["t"]),
                                             Node(opType: "Abs", name: "abs", inputs: ["t"], outputs: ["acc_out"])])
        var f = Function()
        f.name = "Double"
        f.domain = "local"
        f.inputs = ["X"]
        f.outputs = ["Y"]
        f.opsetImports = [OpsetImport(domain: "", version: 17)]
        f.nodes = [Node(opType: "Add", name: "twice", inputs: ["X", "X"], outputs: ["Y"])]
        var m = Fixtures.model(
            nodes: [Node(opType: "Neg", name: "neg", inputs: ["x"], outputs: ["a"]),
                    Node(opType: "Loop", name: "loop", inputs: ["trips", "", "zero"], outputs: ["y"], attributes: [Attribute("body", .graph(body))]),
                    Node(opType: "Double", name: "call", inputs: ["y"], outputs: ["d"], domain: "local"),
                    Node(opType: "Relu", name: "relu", inputs: ["d"], outputs: ["out"])],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(2)])],
            outputs: [Fixtures.tensorInfo("out", .float, nil)],
            initializers: [Tensor(shape: [], [Int64(3)]).tensorData(name: "trips"), Fixtures.floats("zero", [2], [0, 0])],
            extraOpsets: [OpsetImport(domain: "local", version: 1)])
        m.functions = [f]
        return m
    }

    static let feeds: [String: Value] = ["x": .tensor(f32([2], [1, -2]))]

    @Test func plainRunHoldsOnlyTheOutputs() throws {
        let interp = Interpreter(model: Self.model(), options: Self.plain())
        let out = try interp.run(Self.feeds)
        // a = [-1, 2]; acc = |0 + a| = [1, 2], |acc + a| = [0, 4], then [1, 6]; doubled.
        assertClose(out["out"]!.tensor!, f32([2], [2, 12]))
        #expect(interp.heldIntermediateNames == [])
        #expect(interp.heldBytes == 8)
        #expect(interp.state(of: "a") == .evicted)
        // Outputs of a control-flow node and of a function call are freed too.
        #expect(interp.state(of: "y") == .evicted)
        #expect(interp.state(of: "d") == .evicted)
        #expect(interp.state(of: "out") == .held(bytes: 8))
        do {
            _ = try interp.value(named: "y")
            Issue.record("a freed control-flow output cannot be recomputed")
        } catch {
            #expect(error.message.contains("freed after its last use"))
        }
    }

    @Test func keepingIntermediatesHoldsThemAll() throws {
        let interp = Interpreter(model: Self.model())
        _ = try interp.run(Self.feeds)
        #expect(Set(interp.heldIntermediateNames) == ["a", "y", "d"])
        assertClose(try interp.value(named: "y")!.tensor!, f32([2], [1, 6]))
    }

    @Test func plainRunFreesInsideSubgraphBodies() throws {
        let interp = Interpreter(model: Self.model(), options: Self.plain())
        try interp.start(feeds: Self.feeds)
        _ = try interp.step()               // neg
        _ = try interp.step(into: true)     // enter the loop body
        _ = try interp.step()               // keep
        _ = try interp.step()               // add: t
        #expect(interp.framePaths == ["", "loop/body[iter 0]"])
        #expect(interp.heldIntermediateNames.contains("loop/body[iter 0]/t"))
        _ = try interp.step()               // abs: t's last reader
        #expect(!interp.heldIntermediateNames.contains("loop/body[iter 0]/t"))
        #expect(interp.state(of: "t") == .evicted)
        // The outer value the body reads stays until the loop node completes.
        #expect(interp.heldIntermediateNames.contains("a"))
        _ = try interp.run(until: .end)
        #expect(interp.heldIntermediateNames == [])
    }

    @Test(arguments: [
        ("Reshape", [Int64](arrayLiteral: 3, 2)),
        ("Flatten", []),
        ("Squeeze", [0]),
        ("Unsqueeze", [3]),
        ("Identity", []),
    ])
    func shapeOnlyOpsShareStorage(_ op: String, _ second: [Int64]) throws {
        var inputs = ["x"]
        var inits: [TensorData] = []
        if !second.isEmpty {
            inputs.append("s")
            inits.append(Tensor(shape: [second.count], second).tensorData(name: "s"))
        }
        let m = Fixtures.model(nodes: [Node(opType: op, name: "view", inputs: inputs, outputs: ["v"]),
                                       Node(opType: "Neg", name: "neg", inputs: ["v"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [Fixtures.tensorInfo("y", .float, nil)],
                               initializers: inits)
        let interp = Interpreter(model: m)
        let x = f32([1, 2, 3], [1, 2, 3, 4, 5, 6])
        _ = try interp.run(["x": .tensor(x)])
        let v = try #require(try interp.value(named: "v")?.tensor)
        #expect(v.count == 6)
        #expect(v.buffer === x.buffer, "\(op) copied its input")
    }

    /// Initializers at unaligned offsets in the file are copied (and the file's pages dropped);
    /// aligned ones stay views into the file. Values are right either way, run after run.
    @Test func unalignedInitializersAreCopiedOnceAndStayCorrect() throws {
        let dir = TempDir()
        let w = (0..<4096).map { Float($0) * 0.25 }
        // A 1-byte initializer first shifts the next payload's alignment in the file.
        let m = Fixtures.model(nodes: [Node(opType: "Add", name: "add", inputs: ["x", "w"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [Fixtures.tensorInfo("y", .float, nil)],
                               initializers: [Tensor(shape: [1], [UInt8(7)]).tensorData(name: "pad"), Fixtures.floats("w", [4096], w)])
        let loaded = try ModelLoader.load(path: dir.write("m.onnx", model: m))
        let interp = Interpreter(model: loaded, options: Self.plain())
        for _ in 0..<2 {
            let y = try interp.run(["x": .tensor(f32([4096], [Float](repeating: 1, count: 4096)))])
            #expect(y["y"]!.tensor!.elements(as: Float.self) == w.map { $0 + 1 })
        }
        guard case let .raw(view) = loaded.graph.initializers[1].payload else { Issue.record("not raw"); return }
        let t = try Tensor(data: loaded.graph.initializers[1])
        #expect(t.buffer.isBorrowed == (view.withUnsafeBytes { Int(bitPattern: $0.baseAddress) } % 4 == 0))
        #expect(t.elements(as: Float.self) == w)
    }

    @Test func poolSizeClassesCoverNearbySizes() {
        for n in [1, 100, 65_535, 65_536, 65_537, 100_000, 1 << 20, (1 << 20) + 1, 3_211_264, 123_456_789] {
            let c = BufferPool.sizeClass(n)
            #expect(c >= n)
            if n >= BufferPool.minimumSize {
                #expect(Double(c) <= Double(n) * 1.125 + 1, "\(n) -> \(c)")
            } else {
                // Small buffers: powers of two from 64 bytes.
                #expect(c.nonzeroBitCount == 1 && c >= 64 && (c == 64 || c < 2 * n), "\(n) -> \(c)")
            }
        }
        // Neighbouring sizes share a class, so one freed buffer serves both.
        #expect(BufferPool.sizeClass(1_000_000) == BufferPool.sizeClass(1_010_000))
    }

    @Test func smallBuffersAreReusedByClassUpToTheCapacity() {
        let small = SmallBuffers()
        #expect(small.take(4096) == nil)
        let a = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64)
        #expect(small.give(a, 4096))
        #expect(small.take(2048) == nil, "another class")
        #expect(small.take(4096) == a)
        #expect(small.take(4096) == nil)
        a.deallocate()
        // Beyond the capacity the caller frees the buffer itself.
        var kept: [UnsafeMutableRawPointer] = []
        while true {
            let p = UnsafeMutableRawPointer.allocate(byteCount: 32768, alignment: 64)
            if !small.give(p, 32768) { p.deallocate(); break }
            kept.append(p)
        }
        #expect(kept.count == SmallBuffers.capacity / 32768)
        while let p = small.take(32768) { p.deallocate() }
    }

    @Test func poolMissFreesStaleBuffersBeyondTheSlack() {
        let pool = BufferPool()
        // 48 buffers of 1 MB size classes nobody asks for again: 48+ MB pooled.
        for k in 0..<48 {
            let size = BufferPool.sizeClass((1 << 20) + k * (1 << 17))
            let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
            if !pool.give(p, size) { p.deallocate() }
        }
        #expect(pool.pooledBytes > BufferPool.slack)
        let hitSize = BufferPool.sizeClass((1 << 20) + 47 * (1 << 17))
        let hit = pool.take(hitSize)
        #expect(hit != nil)
        hit?.deallocate()
        // A miss (a size not pooled) trims the pool to the slack before the caller allocates.
        let miss = BufferPool.sizeClass(900_000)
        #expect(pool.take(miss) == nil)
        #expect(pool.pooledBytes + miss <= BufferPool.slack)
        #expect(pool.pooledBytes > BufferPool.slack / 2, "only the oldest buffers go")
        // The newest buffers stay and are still reused.
        let newest = BufferPool.sizeClass((1 << 20) + 46 * (1 << 17))
        let again = pool.take(newest)
        #expect(again != nil)
        again?.deallocate()
    }

    @Test func droppingPagesOfAMappedFileKeepsItsBytes() throws {
        let dir = TempDir()
        let bytes = (0..<(64 * 1024 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let file = try MappedFile(path: dir.write("data.bin", bytes))
        #expect(file.view.bytes == bytes)
        file.view.slice(100, 60_000).dropResidentPages()
        file.dropResidentPages(offset: 0, count: file.byteCount)
        #expect(file.view.bytes == bytes)
    }
}

import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// A run that keeps its intermediates drops the large ones that are cheap to recompute from held
/// values (GraphPlan.recomputable) after their last use; viewing one recomputes it with the bits
/// the run had, fused or not, and small values are all held.
@Suite struct RecomputeDropTests {
    /// x [1, 16, 64, 64] (256 KiB) -> Conv 5x5 "c1" (400 taps: held) -> Relu "r0" -> Conv 1x1
    /// "p1" -> Relu "r1" -> depthwise Conv 3x3 "d1" -> Clip "k1" -> Add "a1" (k1 + r0) -> Conv
    /// 5x5 "y" (the output). Three fused groups: c1 (held) and p1, d1 (dropped) with their activations.
    static func model(side: Int = 64) -> Model {
        let c: Int64 = 16
        func conv(_ name: String, _ x: String, _ w: String, group: Int64, k: Int64 = 3) -> Node {
            Node(opType: "Conv", name: name, inputs: [x, w, w + "_b"], outputs: [name],
                 attributes: [ints("kernel_shape", [k, k]), ints("pads", [k / 2, k / 2, k / 2, k / 2]), int("group", group)])
        }
        func weights(_ name: String, _ cin: Int64, k: Int64 = 3, seed: Int) -> [TensorData] {
            [Fixtures.floats(name, [c, cin, k, k], FusionTests.values(Int(c * cin * k * k), seed: seed).map { $0 / 64 }),
             Fixtures.floats(name + "_b", [c], FusionTests.values(Int(c), seed: seed + 1))]
        }
        return Fixtures.model(
            nodes: [conv("c1", "x", "w1", group: 1, k: 5),
                    Node(opType: "Relu", name: "r0", inputs: ["c1"], outputs: ["r0"]),
                    conv("p1", "r0", "wp", group: 1, k: 1),
                    Node(opType: "Relu", name: "r1", inputs: ["p1"], outputs: ["r1"]),
                    conv("d1", "r1", "w2", group: c),
                    Node(opType: "Clip", name: "k1", inputs: ["d1", "lo", "hi"], outputs: ["k1"]),
                    Node(opType: "Add", name: "a1", inputs: ["k1", "r0"], outputs: ["a1"]),
                    conv("y", "a1", "w3", group: 1, k: 5)],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(c), .value(Int64(side)), .value(Int64(side))])],
            outputs: [Fixtures.tensorInfo("y", .float, nil)],
            initializers: weights("w1", c, k: 5, seed: 1) + weights("wp", c, k: 1, seed: 7) + weights("w2", 1, seed: 3) + weights("w3", c, k: 5, seed: 5)
                + [Fixtures.floats("lo", [], [0]), Fixtures.floats("hi", [], [6])])
    }

    static func feeds(side: Int = 64) -> [String: Value] {
        ["x": .tensor(f32([1, 16, side, side], FusionTests.values(16 * side * side, seed: 9)))]
    }

    static let intermediates = ["c1", "r0", "p1", "r1", "d1", "k1", "a1"]

    static func options(drop: Bool, fuse: Bool = true) -> Interpreter.Options {
        var o = Interpreter.Options()
        o.dropRecomputable = drop
        o.fuse = fuse
        return o
    }

    /// Every intermediate's bits after a run (evicted ones recomputed on the way).
    static func values(_ interp: Interpreter) throws -> [String: [UInt32]] {
        var out: [String: [UInt32]] = [:]
        for n in intermediates { out[n] = FusionTests.bits(try #require(try interp.value(named: n)?.tensor)) }
        return out
    }

    @Test func planMarksCheapValuesOnly() throws {
        let interp = Interpreter(model: Self.model())
        let plan = interp.root
        func marked(_ n: String) -> Bool { plan.recomputable[plan.slotOf[n]!] }
        // c1: 16 x 5 x 5 = 400 multiply-adds per element; r0: 1; p1: 16 more; r1: 1; d1: 9;
        // k1: 1; a1: 1 + k1's 28 + r0's 1.
        #expect(!marked("c1"))
        #expect(Self.intermediates.dropFirst().allSatisfy(marked))
        #expect(!marked("y"))
    }

    @Test func chainsStopAtTheLimit() throws {
        // Chained Relus: each adds one step to the chain from x, so those past the limit are held.
        let count = GraphPlan.recomputeLimit + 6
        var nodes: [Node] = []
        var prev = "x"
        for i in 0..<count {
            nodes.append(Node(opType: "Relu", name: "r\(i)", inputs: [prev], outputs: ["r\(i)"]))
            prev = "r\(i)"
        }
        let m = Fixtures.model(nodes: nodes, inputs: [Fixtures.tensorInfo("x", .float, [.value(4)])],
                               outputs: [Fixtures.tensorInfo(prev, .float, nil)])
        let plan = Interpreter(model: m).root
        let marks = (0..<count).map { plan.recomputable[plan.slotOf["r\($0)"]!] }
        #expect(marks[0..<GraphPlan.recomputeLimit].allSatisfy { $0 })
        #expect(!marks[GraphPlan.recomputeLimit])
    }

    /// Weight-stripped exports make their weights with ConstantOfShape from an initializer shape
    /// (folded on the first run): such a Conv counts its taps as one with an initializer weight.
    @Test func weightsMadeByConstantOfShapeCount() throws {
        let m = Fixtures.model(
            nodes: [Node(opType: "ConstantOfShape", name: "make_w", inputs: ["w_shape"], outputs: ["w"],
                         attributes: [Attribute("value", .tensor(Tensor(shape: [1], [Float(0.25)]).tensorData()))]),
                    Node(opType: "Conv", name: "c", inputs: ["x", "w"], outputs: ["c"]),
                    Node(opType: "Relu", name: "r", inputs: ["c"], outputs: ["r"]),
                    Node(opType: "Neg", name: "y", inputs: ["r"], outputs: ["y"])],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(16), .value(64), .value(64)])],
            outputs: [Fixtures.tensorInfo("y", .float, nil)],
            initializers: [Tensor(shape: [4], [Int64(16), 16, 1, 1]).tensorData(name: "w_shape")])
        let interp = Interpreter(model: m)
        #expect(interp.root.recomputable[interp.root.slotOf["c"]!])
        let x = FusionTests.values(16 * 64 * 64, seed: 2)
        let y = try interp.run(["x": .tensor(f32([1, 16, 64, 64], x))])["y"]!.tensor!
        #expect(interp.state(of: "c") == .evicted)
        // Each output is 0.25 times the sum over the 16 channels at its pixel.
        let c = try #require(try interp.value(named: "c")?.tensor).elements(as: Float.self)
        var sum: Float = 0
        for ch in 0..<16 { sum += 0.25 * x[ch * 4096 + 5] }
        #expect(abs(c[5] - sum) < 1e-4)
        #expect(y.elements(as: Float.self)[5] == -max(c[5], 0))
    }

    /// A channel shuffle (Reshape, Transpose, Reshape) and a Concat only move elements: their
    /// large outputs are dropped too, and recomputed with the same values.
    @Test func movementOpsAreDroppedAndRecomputed() throws {
        let m = Fixtures.model(
            nodes: [Node(opType: "Relu", name: "r", inputs: ["x"], outputs: ["r"]),
                    Node(opType: "Reshape", name: "s", inputs: ["r", "split"], outputs: ["s"]),
                    Node(opType: "Transpose", name: "t", inputs: ["s"], outputs: ["t"], attributes: [ints("perm", [0, 2, 1, 3, 4])]),
                    Node(opType: "Reshape", name: "u", inputs: ["t", "merge"], outputs: ["u"]),
                    Node(opType: "Concat", name: "c", inputs: ["u", "r"], outputs: ["c"], attributes: [int("axis", 1)]),
                    Node(opType: "Neg", name: "y", inputs: ["c"], outputs: ["y"])],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(16), .value(64), .value(64)])],
            outputs: [Fixtures.tensorInfo("y", .float, nil)],
            initializers: [Tensor(shape: [5], [Int64(1), 4, 4, 64, 64]).tensorData(name: "split"),
                           Tensor(shape: [4], [Int64(1), 16, 64, 64]).tensorData(name: "merge")])
        let names = ["r", "s", "t", "u", "c"]
        let dropping = Interpreter(model: m)
        #expect(names.allSatisfy { dropping.root.recomputable[dropping.root.slotOf[$0]!] })
        let feeds = Self.feeds()
        let y = try dropping.run(feeds)["y"]!.tensor!
        #expect(names.allSatisfy { dropping.state(of: $0) == .evicted })
        let keepAll = Interpreter(model: m, options: Self.options(drop: false))
        #expect(FusionTests.bits(try keepAll.run(feeds)["y"]!.tensor!) == FusionTests.bits(y))
        for n in names.reversed() {
            let got = try #require(try dropping.value(named: n)?.tensor), want = try #require(try keepAll.value(named: n)?.tensor)
            #expect(got.shape == want.shape && FusionTests.bits(got) == FusionTests.bits(want), "\(n)")
        }
        // Channel 1 of u is channel 4 of r: the shuffle moved it.
        let u = try dropping.value(named: "u")!.tensor!.elements(as: Float.self), r = try dropping.value(named: "r")!.tensor!.elements(as: Float.self)
        #expect(Array(u[4096..<8192]) == Array(r[4 * 4096..<5 * 4096]))
    }

    /// Every instruction-set level (the lock also keeps other suites from changing it mid-test).
    static let levels = [0, 1, 2]

    @Test(arguments: [true, false], levels)
    func droppedValuesRecomputeToTheSameBits(fuse: Bool, level: Int) throws {
        try withInstructionSetLevel(level) {
            let keepAll = Interpreter(model: Self.model(), options: Self.options(drop: false, fuse: fuse))
            let yAll = try keepAll.run(Self.feeds())["y"]!.tensor!
            #expect(Set(keepAll.heldIntermediateNames) == Set(Self.intermediates))

            let dropping = Interpreter(model: Self.model(), options: Self.options(drop: true, fuse: fuse))
            let y = try dropping.run(Self.feeds())["y"]!.tensor!
            #expect(FusionTests.bits(y) == FusionTests.bits(yAll))
            // Only the expensive convolution's output is held; the rest were dropped after their last use.
            #expect(dropping.heldIntermediateNames == ["c1"])
            #expect(dropping.state(of: "r1") == .evicted)
            #expect(dropping.heldBytes < keepAll.heldBytes)
            #expect(try Self.values(dropping) == (try Self.values(keepAll)))
        }
    }

    @Test(arguments: levels)
    func fusedDroppedCopiesMatchTheUnfusedRun(level: Int) throws {
        try withInstructionSetLevel(level) {
            let unfused = Interpreter(model: Self.model(), options: Self.options(drop: false, fuse: false))
            _ = try unfused.run(Self.feeds())
            let fused = Interpreter(model: Self.model(), options: Self.options(drop: true, fuse: true))
            var seen: [String: [UInt32]] = [:]
            // The observer sees every value as the node made it, dropped or not.
            fused.observer = { e in
                for (k, v) in e.outputs.enumerated() { if let t = v?.tensor { seen[e.node.outputs[k]] = FusionTests.bits(t) } }
            }
            _ = try fused.run(Self.feeds())
            #expect(fused.fusedGroupsRun == 3)
            let expected = try Self.values(unfused)
            for n in Self.intermediates { #expect(seen[n] == expected[n], "\(n)") }
        }
    }

    @Test func smallValuesAreAllHeld() throws {
        // [1, 16, 8, 8] floats are 4 KiB each: below Interpreter.droppedSize.
        let interp = Interpreter(model: Self.model(side: 8))
        _ = try interp.run(Self.feeds(side: 8))
        #expect(Set(interp.heldIntermediateNames) == Set(Self.intermediates))
    }

    @Test(arguments: levels)
    func aPlainRunIsUnaffected(level: Int) throws {
        try withInstructionSetLevel(level) {
            var o = Interpreter.Options()
            o.keepIntermediates = false
            let plain = Interpreter(model: Self.model(), options: o)
            let y = try plain.run(Self.feeds())["y"]!.tensor!
            let keepAll = Interpreter(model: Self.model(), options: Self.options(drop: false))
            #expect(FusionTests.bits(y) == FusionTests.bits(try keepAll.run(Self.feeds())["y"]!.tensor!))
            #expect(plain.heldIntermediateNames.isEmpty)
        }
    }
}

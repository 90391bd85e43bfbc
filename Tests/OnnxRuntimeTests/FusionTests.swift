import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// Conv+activation fusion must be invisible: the same bits as running the nodes one by one, every
/// node's own event and kept outputs, and stops (breakpoints, steps, targets) where they would be.
@Suite struct FusionTests {
    /// A convolution shape: input [1, c, spatial...], weights [m, c/group, kernel...].
    struct Geo: CustomStringConvertible, Sendable {
        var c: Int, m: Int, group: Int, spatial: [Int], kernel: [Int], strides: [Int], pads: [Int]
        var description: String { "c\(c) m\(m) g\(group) in\(spatial) k\(kernel) s\(strides)" }
    }

    static let geometries: [Geo] = [
        // 1x1 GEMM, wide enough that the epilogue runs per column block.
        Geo(c: 3, m: 64, group: 1, spatial: [24, 24], kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0]),
        // 3x3 stride 1 (Winograd), im2col with stride 2.
        Geo(c: 16, m: 16, group: 1, spatial: [12, 12], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1]),
        Geo(c: 3, m: 8, group: 1, spatial: [13, 11], kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 0]),
        // Depthwise: the vector kernel, plane batches, and the large-stride fallback.
        Geo(c: 8, m: 8, group: 8, spatial: [15, 15], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]),
        Geo(c: 40, m: 40, group: 40, spatial: [7, 7], kernel: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2]),
        Geo(c: 4, m: 4, group: 4, spatial: [17, 17], kernel: [3, 3], strides: [5, 5], pads: [1, 1, 1, 1]),
        // 1-D.
        Geo(c: 4, m: 5, group: 1, spatial: [30], kernel: [3], strides: [1], pads: [1, 1]),
    ]

    enum Act: String, CaseIterable, Sendable {
        case relu, clip, clipMinOnly, clipAttributes, hardSwish, silu, siluSwapped
    }

    static func values(_ n: Int, seed: Int) -> [Float] {
        var s = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: s >> 11) % 2001 - 1000) / 125
        }
    }

    /// Conv (with bias) followed by the activation's nodes; the final output is "y".
    static func model(_ g: Geo, _ act: Act) -> Model {
        var nodes = [Node(opType: "Conv", name: "conv", inputs: ["x", "w", "b"], outputs: ["c"],
                          attributes: [ints("kernel_shape", g.kernel.map(Int64.init)), ints("strides", g.strides.map(Int64.init)),
                                       ints("pads", g.pads.map(Int64.init)), int("group", Int64(g.group))])]
        var inits = [Fixtures.floats("w", [Int64(g.m), Int64(g.c / g.group)] + g.kernel.map(Int64.init),
                                     values(g.m * g.c / g.group * g.kernel.reduce(1, *), seed: 1).map { $0 / 8 }),
                     Fixtures.floats("b", [Int64(g.m)], values(g.m, seed: 2))]
        var opset: Int64 = 17
        switch act {
        case .relu: nodes.append(Node(opType: "Relu", name: "act", inputs: ["c"], outputs: ["y"]))
        case .clip:
            nodes.append(Node(opType: "Clip", name: "act", inputs: ["c", "lo", "hi"], outputs: ["y"]))
            inits += [Fixtures.floats("lo", [], [0]), Fixtures.floats("hi", [], [6])]
        case .clipMinOnly:
            nodes.append(Node(opType: "Clip", name: "act", inputs: ["c", "lo"], outputs: ["y"]))
            inits += [Fixtures.floats("lo", [], [-1.5])]
        case .clipAttributes:
            opset = 6
            nodes.append(Node(opType: "Clip", name: "act", inputs: ["c"], outputs: ["y"], attributes: [float("min", -2), float("max", 3)]))
        case .hardSwish: nodes.append(Node(opType: "HardSwish", name: "act", inputs: ["c"], outputs: ["y"]))
        case .silu, .siluSwapped:
            nodes.append(Node(opType: "Sigmoid", name: "sig", inputs: ["c"], outputs: ["s"]))
            nodes.append(Node(opType: "Mul", name: "act", inputs: act == .silu ? ["c", "s"] : ["s", "c"], outputs: ["y"]))
        }
        return Fixtures.model(nodes: nodes, inputs: [Fixtures.tensorInfo("x", .float, ([1, g.c] + g.spatial).map { .value(Int64($0)) })],
                              outputs: [Fixtures.tensorInfo("y", .float, nil)], initializers: inits, opset: opset)
    }

    static func feeds(_ g: Geo, nan: Bool = false) -> [String: Value] {
        var v = values(g.c * g.spatial.reduce(1, *), seed: 3)
        if nan { v[v.count / 2] = .nan }
        return ["x": .tensor(f32([1, g.c] + g.spatial, v))]
    }

    static func bits(_ t: Tensor) -> [UInt32] { t.withUnsafeBuffer(as: Float.self) { $0.map { $0.isNaN ? 0x7FC0_0000 : $0.bitPattern } } }

    /// Every node's outputs from a run with an observer, by node name.
    static func observedRun(_ m: Model, _ feeds: [String: Value], fuse: Bool, keep: Bool = true) throws -> (events: [String: [UInt32]], y: [UInt32], fused: Int) {
        var o = Interpreter.Options()
        o.fuse = fuse
        o.keepIntermediates = keep
        let interp = Interpreter(model: m, options: o)
        var events: [String: [UInt32]] = [:]
        interp.observer = { e in events[e.node.name] = e.outputs.first??.tensor.map(bits) }
        let y = try interp.run(feeds)["y"]!.tensor!
        return (events, bits(y), interp.fusedGroupsRun)
    }

    static let cases: [(Geo, Act)] = geometries.flatMap { g in Act.allCases.map { (g, $0) } }

    /// At every instruction-set level the CPU has (the vector loops differ between levels).
    @Test(arguments: cases) func fusedRunsGiveTheUnfusedBits(_ g: Geo, _ act: Act) throws {
        let top = withInstructionSetLevel { FastMath.level }
        for level in 0...top {
            try withInstructionSetLevel(level) { try Self.compareFusedAndUnfused(g, act, note: "level \(level)") }
        }
    }

    static func compareFusedAndUnfused(_ g: Geo, _ act: Act, note: String) throws {
        let m = Self.model(g, act)
        for nan in [false, true] {
            let f = Self.feeds(g, nan: nan)
            let plain = try Self.observedRun(m, f, fuse: false)
            #expect(plain.fused == 0)
            // Observed and keeping: every intermediate as the unfused nodes made it.
            let observed = try Self.observedRun(m, f, fuse: true)
            #expect(observed.fused == 1, "\(g) \(act) \(note): the group did not fuse")
            #expect(observed.events == plain.events, "\(g) \(act) nan=\(nan) \(note)")
            #expect(observed.y == plain.y)
            // Nothing observed or kept: only the final output is made.
            var o = Interpreter.Options()
            o.keepIntermediates = false
            let interp = Interpreter(model: m, options: o)
            let y = try interp.run(f)["y"]!.tensor!
            #expect(interp.fusedGroupsRun == 1)
            #expect(Self.bits(y) == plain.y, "\(g) \(act) nan=\(nan) \(note) unobserved")
            // The freed Conv output is recomputed on demand with its real values.
            #expect(try interp.value(named: "c").map { Self.bits($0.tensor!) } == plain.events["conv"])
        }
    }

    @Test func twoThreadsGiveTheSameBits() throws {
        try withInstructionSetLevel { try Self.twoThreads() }
    }

    static func twoThreads() throws {
        // Column blocks (a wide plane) and row blocks (7x7).
        for g in [Self.geometries[0], Geo(c: 8, m: 72, group: 1, spatial: [7, 7], kernel: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0])] {
            try twoThreads(g)
        }
    }

    static func twoThreads(_ g: Geo) throws {
        for act in [Act.clip, .silu] {
            var o = Interpreter.Options()
            o.threads = 2
            o.keepIntermediates = false
            let m = Self.model(g, act)
            let y = try Interpreter(model: m, options: o).run(Self.feeds(g))["y"]!.tensor!
            #expect(Self.bits(y) == (try Self.observedRun(m, Self.feeds(g), fuse: false).y))
        }
    }

    @Test func nanBreakpointOnTheConvStopsBeforeItsActivation() throws {
        let g = Self.geometries[0]
        let interp = Interpreter(model: Self.model(g, .clip))
        interp.breakpoints = [.nan]
        try interp.start(feeds: Self.feeds(g, nan: true))
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.nan))
        #expect(stop.nodePath == "conv")
        #expect(interp.nodesExecuted == 1)
        #expect(interp.nextNode?.path == "act")
        #expect(try interp.value(named: "y") == nil)
        interp.breakpoints = []
        #expect(try interp.run(until: .end).reason == .finished)
        #expect(interp.outputs.first?.value != nil)
    }

    @Test func stepsTargetsAndBreakpointsOnFollowersRunNodesOneByOne() throws {
        let g = Self.geometries[3]
        let m = Self.model(g, .silu)
        let interp = Interpreter(model: m)
        try interp.start(feeds: Self.feeds(g))
        #expect(try interp.step().event?.path == "conv")
        #expect(interp.nextNode?.path == "sig")
        #expect(try interp.value(named: "s") == nil)

        interp.breakpoints = [.opType("Mul")]
        try interp.start(feeds: Self.feeds(g))
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.opType("Mul")))
        #expect(interp.nodesExecuted == 2)
        #expect(interp.fusedGroupsRun == 0)

        interp.breakpoints = []
        try interp.start(feeds: Self.feeds(g))
        #expect(try interp.run(until: .node("sig")).reason == .reachedTarget)
        #expect(interp.nodesExecuted == 1)
    }

    @Test func convOutputsOthersReadAreNotFused() throws {
        let g = Self.geometries[0]
        var m = Self.model(g, .relu)
        // The Conv's output is also a graph output.
        m.graph.outputs.append(Fixtures.tensorInfo("c", .float, nil))
        #expect(Interpreter(model: m).root.nodes[0].fusion == nil)
        // Another node reads it.
        m = Self.model(g, .relu)
        m.graph.nodes.append(Node(opType: "Neg", name: "neg", inputs: ["c"], outputs: ["n"]))
        m.graph.outputs.append(Fixtures.tensorInfo("n", .float, nil))
        let interp = Interpreter(model: m)
        #expect(interp.root.nodes.first { $0.node.name == "conv" }?.fusion == nil)
        // Sigmoid and Mul of different tensors are not SiLU.
        m = Self.model(g, .silu)
        m.graph.nodes[2].inputs = ["s", "s"]
        #expect(Interpreter(model: m).root.nodes[0].fusion == nil)
        #expect(Interpreter(model: Self.model(g, .silu)).root.nodes[0].fusion?.activation == .silu)
    }

    @Test func nonFloatConvolutionsRunUnfused() throws {
        // A double Conv+Relu: the fused call declines and the nodes run one by one.
        let m = Fixtures.model(nodes: [Node(opType: "Conv", name: "conv", inputs: ["x", "w"], outputs: ["c"]),
                                       Node(opType: "Relu", name: "act", inputs: ["c"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .double, [.value(1), .value(1), .value(3)])],
                               outputs: [Fixtures.tensorInfo("y", .double, nil)],
                               initializers: [TensorData(name: "w", type: .double, dims: [1, 1, 1], raw: withUnsafeBytes(of: (-2.0).bitPattern.littleEndian) { Array($0) })])
        let interp = Interpreter(model: m)
        let y = try interp.run(["x": .tensor(f64([1, 1, 3], [1, -1, 2]))])["y"]!.tensor!
        assertClose(y, f64([1, 1, 3], [0, 2, 0]))
        #expect(interp.fusedGroupsRun == 0)
        #expect(interp.nodesExecuted == 2)
    }
}

extension FusionTests {
    /// A profiler's observer (times and shapes only) still sees every node of a fused group.
    @Test func timingObserverSeesEveryNodeWithItsShape() throws {
        let g = Self.geometries[0]
        var o = Interpreter.Options()
        o.keepIntermediates = false
        let interp = Interpreter(model: Self.model(g, .silu), options: o)
        interp.observerReadsValues = false
        var seen: [String] = []
        interp.observer = { e in seen.append("\(e.node.name) \(e.outputs.first??.tensor?.shape ?? [])") }
        _ = try interp.run(Self.feeds(g))
        #expect(interp.fusedGroupsRun == 1)
        #expect(seen == ["conv [1, 64, 24, 24]", "sig [1, 64, 24, 24]", "act [1, 64, 24, 24]"])
    }
}

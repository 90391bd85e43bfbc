import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// A fused Conv's own output that the run would drop right after its activation is not written
/// at all when nobody reads values during the run: its events carry a DeferredValue (type, shape,
/// size, and whether it holds a NaN or an infinity, found by the kernel), its slot is evicted,
/// and reading it computes the unfused node's bits.
@Suite struct DeferredOutputTests {
    static let activations = ["Relu", "Clip", "HardSwish", "SiLU"]

    /// x [1, 16, side, side] -> 1x1 Conv "p" -> activation -> 3x3 depthwise Conv "d" -> activation
    /// ("y"). Both convolutions are recomputable (16 and 9 taps) and 64 KiB or more.
    static func model(_ act: String, side: Int) -> Model {
        var nodes: [Node] = []
        var inits: [TensorData] = [Fixtures.floats("lo", [], [0]), Fixtures.floats("hi", [], [6])]
        func activation(_ x: String, _ y: String) {
            switch act {
            case "Clip": nodes.append(Node(opType: "Clip", name: y, inputs: [x, "lo", "hi"], outputs: [y]))
            case "SiLU":
                nodes.append(Node(opType: "Sigmoid", name: y + "_s", inputs: [x], outputs: [y + "_s"]))
                nodes.append(Node(opType: "Mul", name: y, inputs: [x, y + "_s"], outputs: [y]))
            default: nodes.append(Node(opType: act, name: y, inputs: [x], outputs: [y]))
            }
        }
        func conv(_ name: String, _ x: String, k: Int64, group: Int64, seed: Int) {
            let cin: Int64 = 16 / group
            inits.append(Fixtures.floats(name + "_w", [16, cin, k, k], FusionTests.values(Int(16 * cin * k * k), seed: seed).map { $0 / 16 }))
            inits.append(Fixtures.floats(name + "_b", [16], FusionTests.values(16, seed: seed + 1)))
            nodes.append(Node(opType: "Conv", name: name, inputs: [x, name + "_w", name + "_b"], outputs: [name],
                              attributes: [ints("kernel_shape", [k, k]), ints("pads", [k / 2, k / 2, k / 2, k / 2]), int("group", group)]))
        }
        conv("p", "x", k: 1, group: 1, seed: 3)
        activation("p", "pa")
        conv("d", "pa", k: 3, group: 16, seed: 5)
        activation("d", "y")
        return Fixtures.model(nodes: nodes, inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(16), .value(Int64(side)), .value(Int64(side))])],
                              outputs: [Fixtures.tensorInfo("y", .float, nil)], initializers: inits)
    }

    static func feeds(side: Int, special: Float? = nil) -> [String: Value] {
        var x = FusionTests.values(16 * side * side, seed: 11)
        // One in a whole register tile, one in the last column (a tail when side is odd).
        if let special { x[side + 1] = special; x[side * side - 1] = special }
        return ["x": .tensor(f32([1, 16, side, side], x))]
    }

    static func anyNonFinite(_ t: Tensor) -> Bool { t.elements(as: Float.self).contains { !$0.isFinite } }

    /// What the unfused run makes, by name.
    static func unfused(_ m: Model, _ feeds: [String: Value]) throws -> [String: Tensor] {
        var o = Interpreter.Options()
        o.fuse = false
        o.dropRecomputable = false
        let interp = Interpreter(model: m, options: o)
        let y = try interp.run(feeds)["y"]!.tensor!
        var out = ["y": y]
        for n in ["p", "pa", "d"] { out[n] = try interp.value(named: n)!.tensor! }
        return out
    }

    // Side 64 fills whole register tiles; 63 leaves a tail in every row block.
    @Test(arguments: activations, [63, 64])
    func deferredOutputsComputeTheUnfusedBitsOnDemand(act: String, side: Int) throws {
        for level in [0, 1, 2] {
            try withInstructionSetLevel(level) {
                for special: Float? in [nil, .infinity, .nan] {
                    let m = Self.model(act, side: side), feeds = Self.feeds(side: side, special: special)
                    let expected = try Self.unfused(m, feeds)
                    // Two threads at the widest level: the flag is set from several threads at once.
                    var o = Interpreter.Options()
                    o.threads = level == 2 ? 2 : 1
                    let interp = Interpreter(model: m, options: o)
                    interp.observerReadsValues = false
                    var events: [NodeEvent] = []
                    interp.observer = { events.append($0) }
                    let y = try interp.run(feeds)["y"]!.tensor!
                    #expect(FusionTests.bits(y) == FusionTests.bits(expected["y"]!))
                    #expect(interp.fusedGroupsRun == 2)
                    for name in ["p", "d"] {
                        let e = try #require(events.first { $0.node.name == name })
                        let d = try #require(e.outputs.deferredInfo(at: 0), "\(name) \(act) level \(level)")
                        let want = expected[name]!
                        #expect(!d.isComputed)
                        #expect(d.dtype == .float && d.shape == want.shape && d.byteCount == want.byteCount)
                        #expect(e.outputs.byteCount(at: 0) == want.byteCount)
                        #expect(d.anyNonFinite == Self.anyNonFinite(want), "\(name) \(act) level \(level) \(String(describing: special))")
                        #expect(interp.state(of: name) == .evicted)
                        // The activation's event reads the same deferred value.
                        let reader = try #require(events.first { $0.node.opType != "Conv" && $0.node.inputs.first == name })
                        #expect(reader.inputs.deferredInfo(at: 0) === d)
                        #expect(FusionTests.bits(try #require(e.outputs[0]?.tensor)) == FusionTests.bits(want))
                        #expect(d.isComputed)
                        #expect(FusionTests.bits(try #require(reader.inputs[0]?.tensor)) == FusionTests.bits(want))
                        #expect(FusionTests.bits(try #require(try interp.value(named: name)?.tensor)) == FusionTests.bits(want))
                    }
                    if special != nil { #expect(events.first { $0.node.name == "p" }!.outputs.deferredInfo(at: 0)!.anyNonFinite) }
                }
            }
        }
    }

    /// Observers that read values, breakpoints, conditions, values kept to the end of the run
    /// and subgraphs keep every value computed.
    @Test func valuesAreComputedWhenSomeoneMayReadThem() throws {
        let m = Self.model("Relu", side: 64), feeds = Self.feeds(side: 64)
        func deferredCount(_ setup: (Interpreter) -> Void, options: Interpreter.Options = .init()) throws -> Int {
            let interp = Interpreter(model: m, options: options)
            var n = 0
            interp.observer = { e in if e.outputs.deferredInfo(at: 0) != nil { n += 1 } }
            setup(interp)
            try interp.start(feeds: feeds)
            _ = try interp.run(until: .end)
            #expect(interp.fusedGroupsRun == 2)
            return n
        }
        #expect(try deferredCount({ $0.observerReadsValues = false }) == 2)
        #expect(try deferredCount({ _ in }) == 0)
        #expect(try deferredCount({ $0.observerReadsValues = false; $0.breakpoints = [.nan] }) == 0)
        #expect(try deferredCount({ $0.observerReadsValues = false; $0.stopCondition = { _ in nil } }) == 0)
        var held = Interpreter.Options()
        held.dropRecomputable = false
        #expect(try deferredCount({ $0.observerReadsValues = false }, options: held) == 0)
        // Without keeping intermediates, nothing is held anyway: the values stay deferred.
        var plain = Interpreter.Options()
        plain.keepIntermediates = false
        #expect(try deferredCount({ $0.observerReadsValues = false }, options: plain) == 2)
    }
}

import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// A same-shape float Add large enough to split over threads, fed by a BatchNormalization with
/// per-channel parameters (its planes split over threads too) or per-element ones: two threads
/// give the one-thread bits, which match scalar arithmetic.
@Suite struct ParallelAddTests {
    static let c = 40, h = 36, w = 37

    static func model(perElement: Bool) -> Model {
        let per = perElement ? [Int64(c), Int64(h), Int64(w)] : [Int64(c)]
        let count = perElement ? c * h * w : c
        func param(_ name: String, _ f: (Int) -> Float) -> TensorData { Fixtures.floats(name, per, (0..<count).map(f)) }
        return Fixtures.model(
            nodes: [
                Node(opType: "BatchNormalization", name: "bn", inputs: ["x", "s", "b", "m", "v"], outputs: ["y"],
                     attributes: [Attribute("epsilon", .float(1e-3))]),
                Node(opType: "Add", name: "add", inputs: ["y", "x"], outputs: ["z"]),
            ],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(2), .value(Int64(c)), .value(Int64(h)), .value(Int64(w))])],
            outputs: ["y", "z"].map { Fixtures.tensorInfo($0, .float, nil) },
            initializers: [
                param("s") { Float($0 % 7) / 3 - 1 }, param("b") { Float($0 % 5) / 4 },
                param("m") { Float($0 % 11) / 10 - 0.5 }, param("v") { Float($0 % 13) / 6 + 0.1 },
            ])
    }

    @Test(arguments: [false, true]) func twoThreadsGiveTheOneThreadBits(perElement: Bool) throws {
        let n = 2 * Self.c * Self.h * Self.w
        #expect(n / 2 > Parallel.grain)
        var seed: UInt32 = 3
        let x = (0..<n).map { _ -> Float in seed = seed &* 1664525 &+ 1013904223; return Float(seed >> 8) / Float(1 << 22) - 2 }
        let feeds: [String: Value] = ["x": .tensor(f32([2, Self.c, Self.h, Self.w], x))]
        var results: [[String: Value]] = []
        for threads in [1, 2] {
            var o = Interpreter.Options()
            o.threads = threads
            results.append(try Interpreter(model: Self.model(perElement: perElement), options: o).run(feeds))
        }
        for name in ["y", "z"] {
            let one = try #require(results[0][name]?.tensor).elements(as: Float.self)
            let two = try #require(results[1][name]?.tensor).elements(as: Float.self)
            #expect(one.count == n)
            #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "\(name)")
        }
        // Against scalar arithmetic, so both runs cannot be wrong alike.
        let y = try #require(results[1]["y"]?.tensor).elements(as: Float.self)
        let z = try #require(results[1]["z"]?.tensor).elements(as: Float.self)
        let plane = Self.h * Self.w
        for i in stride(from: 0, to: n, by: 911) {
            let ch = i / plane % Self.c, p = perElement ? i % (Self.c * plane) : ch
            let s = Double(Float(p % 7) / 3 - 1), b = Double(Float(p % 5) / 4)
            let m = Double(Float(p % 11) / 10 - 0.5), v = Double(Float(p % 13) / 6 + 0.1)
            let e = (Double(x[i]) - m) * s / (v + Double(Float(1e-3))).squareRoot() + b
            #expect(abs(Double(y[i]) - e) < 1e-5 * Swift.max(1, abs(e)), "y[\(i)]")
            #expect(z[i] == y[i] + x[i], "z[\(i)]")
        }
    }
}

import Foundation
import OnnxModel
@testable import OnnxRuntime
import Testing

/// Tensor literals for tables.
func f32(_ shape: [Int], _ v: [Float]) -> Tensor { Tensor(shape: shape, v) }
func f64(_ shape: [Int], _ v: [Double]) -> Tensor { Tensor(shape: shape, v) }
func i64(_ shape: [Int], _ v: [Int64]) -> Tensor { Tensor(shape: shape, v) }
func i32(_ shape: [Int], _ v: [Int32]) -> Tensor { Tensor(shape: shape, v) }
func u8(_ shape: [Int], _ v: [UInt8]) -> Tensor { Tensor(shape: shape, v) }
func bools(_ shape: [Int], _ v: [Bool]) -> Tensor { Tensor(shape: shape, v) }
func strs(_ shape: [Int], _ v: [String]) -> Tensor { Tensor(strings: v, shape: shape) }
func f16(_ shape: [Int], _ v: [Float]) -> Tensor { Tensor(shape: shape, v.map { Float16($0) }) }

/// One row of a kernel table: op, attributes, inputs (nil = absent), expected outputs.
struct OpCase: CustomTestStringConvertible, Sendable {
    var name: String
    var op: String
    var opset = 21
    var attrs: [Attribute] = []
    var inputs: [Tensor?]
    var expected: [Tensor]
    /// Expected error substring instead of outputs.
    var error: String?

    init(_ name: String, _ op: String, opset: Int = 21, _ attrs: [Attribute], _ inputs: [Tensor?], _ expected: [Tensor]) {
        self.name = name
        self.op = op
        self.opset = opset
        self.attrs = attrs
        self.inputs = inputs
        self.expected = expected
    }

    init(_ name: String, _ op: String, opset: Int = 21, _ inputs: [Tensor?], _ expected: [Tensor]) {
        self.init(name, op, opset: opset, [Attribute](), inputs, expected)
    }

    init(_ name: String, _ op: String, opset: Int = 21, _ attrs: [Attribute], _ inputs: [Tensor?], error: String) {
        self.init(name, op, opset: opset, attrs, inputs, [Tensor]())
        self.error = error
    }

    init(_ name: String, _ op: String, opset: Int = 21, _ inputs: [Tensor?], error: String) {
        self.init(name, op, opset: opset, [Attribute](), inputs, [Tensor]())
        self.error = error
    }

    var testDescription: String { "\(op): \(name)" }
}

func ints(_ name: String, _ v: [Int64]) -> Attribute { Attribute(name, .ints(v)) }
func int(_ name: String, _ v: Int64) -> Attribute { Attribute(name, .int(v)) }
func float(_ name: String, _ v: Float) -> Attribute { Attribute(name, .float(v)) }
func string(_ name: String, _ v: String) -> Attribute { Attribute(name, .string(v)) }

/// Runs one op through the standard registry like the interpreter does.
func runOp(_ op: String, opset: Int = 21, attrs: [Attribute] = [], _ inputs: [Tensor?], outputs: Int = 1, threads: Int = 1) throws -> [Value] {
    let node = Node(opType: op, name: "n", inputs: inputs.enumerated().map { $0.element == nil ? "" : "x\($0.offset)" },
                    outputs: (0..<outputs).map { "y\($0)" }, attributes: attrs)
    guard case let .found(since, make) = OpRegistry.standard.resolve(domain: "", opType: op, opset: opset) else {
        throw KernelError("no kernel for \(op) at opset \(opset)")
    }
    let k = try make(NodeContext(node: node, opset: opset, sinceVersion: since))
    return try k.run(inputs.map { $0.map(Value.tensor) }, KernelContext(outputCount: outputs, outputNames: node.outputs, threads: threads))
}

/// Element-wise closeness (NaN equals NaN), same dtype and shape.
func assertClose(_ a: Tensor, _ e: Tensor, rtol: Double = 1e-5, atol: Double = 1e-6, _ what: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.dtype == e.dtype, "\(what): dtype \(a.dtype.name) vs \(e.dtype.name)", sourceLocation: sourceLocation)
    #expect(a.shape == e.shape, "\(what): shape \(a.shape) vs \(e.shape)", sourceLocation: sourceLocation)
    guard a.dtype == e.dtype, a.shape == e.shape else { return }
    if a.dtype == .string {
        #expect(a.strings == e.strings, "\(what)", sourceLocation: sourceLocation)
        return
    }
    for i in 0..<a.count {
        let x = a.doubleValue(at: i), y = e.doubleValue(at: i)
        if x.isNaN && y.isNaN { continue }
        if x == y { continue }
        #expect(abs(x - y) <= atol + rtol * abs(y), "\(what): index \(i): \(x) vs \(y)", sourceLocation: sourceLocation)
    }
}

func check(_ c: OpCase, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let out = try runOp(c.op, opset: c.opset, attrs: c.attrs, c.inputs, outputs: max(c.expected.count, 1))
        if let e = c.error {
            Issue.record("\(c.name): expected an error containing '\(e)', got \(out.count) outputs", sourceLocation: sourceLocation)
            return
        }
        #expect(out.count >= c.expected.count, "\(c.name): \(out.count) outputs", sourceLocation: sourceLocation)
        for (k, e) in c.expected.enumerated() where k < out.count {
            guard let t = out[k].tensor else { Issue.record("\(c.name): output \(k) is not a tensor", sourceLocation: sourceLocation); continue }
            assertClose(t, e, c.name + " output \(k)", sourceLocation: sourceLocation)
        }
    } catch {
        if let e = c.error {
            #expect("\(error)".contains(e), "\(c.name): error '\(error)' does not mention '\(e)'", sourceLocation: sourceLocation)
        } else {
            Issue.record("\(c.name): \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// Suites run in parallel and the CFastMath instruction-set level is process-wide: tests that
/// change it, or compare bits between runs that must use one level, hold this lock.
let instructionSetLevelLock = NSLock()

/// Runs `body` with the lock held (at the CPU's best level, or capped at `level`).
func withInstructionSetLevel<R>(_ level: Int = 2, _ body: () throws -> R) rethrows -> R {
    instructionSetLevelLock.lock()
    defer {
        FastMath.capLevel(2)
        instructionSetLevelLock.unlock()
    }
    FastMath.capLevel(level)
    return try body()
}

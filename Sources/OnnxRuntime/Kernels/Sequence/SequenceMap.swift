/// SequenceMap: runs `body` once per position of the input sequence(s) (other inputs are passed
/// whole) and collects each body output into a sequence. Each call is a child frame `body[i]`.
public struct SequenceMap: OpKernel, ControlFlowKernel {
    public static let sinceVersions = [17]
    let outputs: Int

    public init(_ node: NodeContext) throws {
        guard let body = try node.graph("body") else { throw KernelError("needs the body graph attribute") }
        outputs = body.outputs.count
    }

    final class Activation: ControlFlowActivation {
        let inputs: [Value]
        let count: Int
        var i = 0
        var results: [[Value]]

        init(inputs: [Value], count: Int, outputs: Int) {
            self.inputs = inputs
            self.count = count
            results = Array(repeating: [], count: outputs)
        }

        func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
            if let outs = previousOutputs {
                guard outs.count == results.count else { throw KernelError("body returned \(outs.count) outputs, expected \(results.count)") }
                for k in 0..<outs.count { results[k].append(outs[k]) }
                i += 1
            }
            if i < count {
                let args: [Value?] = inputs.map { v in
                    if case let .sequence(s) = v { return s.elements[i] }
                    return v
                }
                return .run(subgraph: "body", inputs: args, label: "body[\(i)]")
            }
            return .finish(results.map { .sequence(SequenceValue($0)) })
        }
    }

    public func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation {
        let first = try inputs.sequence(0)
        var all: [Value] = []
        for k in 0..<inputs.count {
            let v = try inputs.value(k)
            if case let .sequence(s) = v, s.elements.count != first.elements.count {
                throw KernelError("input sequences have different lengths (\(s.elements.count) vs \(first.elements.count))")
            }
            all.append(v)
        }
        return Activation(inputs: all, count: first.elements.count, outputs: outputs)
    }
}

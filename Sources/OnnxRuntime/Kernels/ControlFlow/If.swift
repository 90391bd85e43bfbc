import OnnxModel

/// If: runs `then_branch` or `else_branch` (graphs with no inputs that may read outer-scope values)
/// and returns its outputs. The branch runs as a child frame named after the attribute.
public struct If: OpKernel, ControlFlowKernel {
    public static let sinceVersions = [1, 11, 13, 16, 19, 21, 23, 24, 25]

    public init(_ node: NodeContext) throws {
        guard try node.graph("then_branch") != nil, try node.graph("else_branch") != nil else {
            throw KernelError("needs the then_branch and else_branch graph attributes")
        }
    }

    final class Activation: ControlFlowActivation {
        let branch: String
        init(branch: String) { self.branch = branch }
        func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
            guard let outs = previousOutputs else { return .run(subgraph: branch, inputs: [], label: branch) }
            return .finish(outs)
        }
    }

    public func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation {
        let c = try inputs.tensor(0)
        guard c.count == 1, c.dtype == .bool || c.dtype.isInteger || c.dtype.isFloatingPoint else {
            throw KernelError("cond must hold a single bool, got \(c)")
        }
        return Activation(branch: c.doubleValue(at: 0) != 0 ? "then_branch" : "else_branch")
    }
}

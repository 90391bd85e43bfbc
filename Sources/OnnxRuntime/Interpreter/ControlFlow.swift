/// A control-flow op (If, Loop, Scan): instead of computing its outputs in one call, it asks the
/// interpreter to run its subgraphs one at a time, so a debugger can step into each branch and
/// iteration (`Loop_3/body[iter 2]/Add_1`).
public protocol ControlFlowKernel: Kernel {
    /// Starts one execution of the op with its inputs.
    func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation
}

extension ControlFlowKernel {
    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        throw KernelError.unsupported("control-flow ops run through the interpreter")
    }
}

/// The state of one execution of a control-flow op.
public protocol ControlFlowActivation: AnyObject {
    /// Called first with nil, then with the outputs of each subgraph run it asked for.
    func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep
}

public enum ControlFlowStep {
    /// Run the subgraph held by attribute `subgraph` with these inputs (bound to its graph
    /// inputs in order); `label` names the frame in node paths ("then_branch", "body[iter 2]").
    case run(subgraph: String, inputs: [Value?], label: String)
    /// The op is done: its outputs in order.
    case finish([Value])
}

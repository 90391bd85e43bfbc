import OnnxModel

/// Loop: runs `body` while the iteration count is below M (if given) and the condition holds (if
/// given). Body inputs: (iteration, condition, carried...); body outputs: (condition, carried...,
/// scan outputs...). Results: the final carried values, then each scan output stacked on a new axis 0.
/// Every iteration is a child frame `body[iter i]`.
public struct Loop: OpKernel, ControlFlowKernel {
    public static let sinceVersions = [1, 11, 13, 16, 19, 21, 23, 24, 25]
    let scanTypes: [DataType]

    public init(_ node: NodeContext) throws {
        guard let body = try node.graph("body") else { throw KernelError("needs the body graph attribute") }
        let carried = max(node.node.inputs.count - 2, 0)
        scanTypes = body.outputs.dropFirst(1 + carried).map { o in
            o.type?.tensorType.flatMap { DataType(rawValue: $0.elemType) } ?? .float
        }
    }

    final class Activation: ControlFlowActivation {
        let maxTrips: Int64?
        var cond: Bool
        var carried: [Value?]
        var scans: [[Value]]
        let scanTypes: [DataType]
        var iteration: Int64 = 0

        init(maxTrips: Int64?, cond: Bool, carried: [Value?], scanTypes: [DataType]) {
            self.maxTrips = maxTrips
            self.cond = cond
            self.carried = carried
            self.scanTypes = scanTypes
            self.scans = Array(repeating: [], count: scanTypes.count)
        }

        func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
            if let outs = previousOutputs {
                guard outs.count == 1 + carried.count + scans.count else {
                    throw KernelError("body returned \(outs.count) outputs, expected \(1 + carried.count + scans.count)")
                }
                guard let c = outs[0].tensor, c.count == 1 else { throw KernelError("body condition output must be a single bool") }
                cond = c.doubleValue(at: 0) != 0
                for k in 0..<carried.count { carried[k] = outs[1 + k] }
                for k in 0..<scans.count { scans[k].append(outs[1 + carried.count + k]) }
                iteration += 1
            }
            if cond && (maxTrips.map { iteration < $0 } ?? true) {
                return .run(subgraph: "body", inputs: [.tensor(.scalar(iteration)), .tensor(.scalar(cond))] + carried,
                            label: "body[iter \(iteration)]")
            }
            var results: [Value] = []
            for v in carried {
                guard let v else { throw KernelError("a loop-carried value is absent") }
                results.append(v)
            }
            for (k, s) in scans.enumerated() { results.append(try Loop.stack(s, type: scanTypes[k])) }
            return .finish(results)
        }
    }

    /// Stacks per-iteration values on a new axis 0 (an empty [0] tensor when there were none).
    static func stack(_ values: [Value], type: DataType) throws(KernelError) -> Value {
        guard let first = values.first else { return .tensor(Tensor.zeros(type, [0])) }
        var parts: [Tensor] = []
        for v in values {
            guard let t = v.tensor else { throw KernelError("scan outputs must be tensors") }
            guard t.shape == first.tensor?.shape else { throw KernelError("scan output shape changes between iterations: \(shapeText(t.shape))") }
            parts.append(t.reshaped([1] + t.shape))
        }
        return .tensor(try Concat.apply(parts, axis: 0))
    }

    public func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation {
        let m = try inputs.optionalTensor(0)
        let c = try inputs.optionalTensor(1)
        var maxTrips: Int64?
        if let m {
            guard m.count == 1 else { throw KernelError("M must be a scalar") }
            maxTrips = Int64(m.doubleValue(at: 0))
        }
        let cond = c.map { $0.count == 1 && $0.doubleValue(at: 0) != 0 } ?? true
        let carried = inputs.count > 2 ? Array(inputs[2...]) : []
        return Activation(maxTrips: maxTrips, cond: cond, carried: carried, scanTypes: scanTypes)
    }
}

import OnnxModel

/// Scan (opset 9+): iterates `body` over slices of the scan inputs along their axes, threading the
/// state values through; scan outputs are stacked along their axes. Each iteration is a child
/// frame `body[iter i]`.
public struct Scan: OpKernel, ControlFlowKernel {
    public static let sinceVersions = [9, 11, 16, 19, 21, 23, 24, 25]
    let numScanInputs: Int
    let inputAxes: [Int]?
    let inputDirections: [Int]?
    let outputAxes: [Int]?
    let outputDirections: [Int]?
    let numBodyOutputs: Int

    public init(_ node: NodeContext) throws {
        guard let body = try node.graph("body") else { throw KernelError("needs the body graph attribute") }
        numScanInputs = try node.required("num_scan_inputs") { (n: String) throws(KernelError) in try node.int(n) }
        inputAxes = try node.ints("scan_input_axes")
        inputDirections = try node.ints("scan_input_directions")
        outputAxes = try node.ints("scan_output_axes")
        outputDirections = try node.ints("scan_output_directions")
        numBodyOutputs = body.outputs.count
    }

    final class Activation: ControlFlowActivation {
        var state: [Value]
        let scanInputs: [Tensor]
        let axes: [Int]
        let reversed: [Bool]
        let outAxes: [Int?]
        let outReversed: [Bool]
        let trips: Int
        var i = 0
        var scans: [[Tensor]]

        init(state: [Value], scanInputs: [Tensor], axes: [Int], reversed: [Bool], outAxes: [Int?], outReversed: [Bool], trips: Int) {
            self.state = state
            self.scanInputs = scanInputs
            self.axes = axes
            self.reversed = reversed
            self.outAxes = outAxes
            self.outReversed = outReversed
            self.trips = trips
            scans = Array(repeating: [], count: outAxes.count)
        }

        func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
            if let outs = previousOutputs {
                guard outs.count == state.count + scans.count else { throw KernelError("body returned \(outs.count) outputs, expected \(state.count + scans.count)") }
                for k in 0..<state.count { state[k] = outs[k] }
                for k in 0..<scans.count {
                    guard let t = outs[state.count + k].tensor else { throw KernelError("scan outputs must be tensors") }
                    scans[k].append(t)
                }
                i += 1
            }
            if i < trips {
                var slices: [Value?] = []
                for (k, x) in scanInputs.enumerated() {
                    let j = reversed[k] ? trips - 1 - i : i
                    let s = try Slice.apply(x, starts: [j], ends: [j + 1], axes: [axes[k]], steps: nil)
                    var shape = s.shape
                    shape.remove(at: axes[k])
                    slices.append(.tensor(s.reshaped(shape)))
                }
                return .run(subgraph: "body", inputs: state.map { Optional($0) } + slices, label: "body[iter \(i)]")
            }
            var results = state
            for (k, parts) in scans.enumerated() {
                guard let first = parts.first else { results.append(.tensor(Tensor.zeros(.float, [0]))); continue }
                let ordered = outReversed[k] ? parts.reversed() : parts
                let rank = first.rank + 1
                let axis = try Shapes.axis(outAxes[k] ?? 0, rank: rank)
                var shape = first.shape
                shape.insert(1, at: axis)
                results.append(.tensor(try Concat.apply(ordered.map { $0.reshaped(shape) }, axis: axis)))
            }
            return .finish(results)
        }
    }

    public func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation {
        let nState = inputs.count - numScanInputs
        guard nState >= 0 else { throw KernelError("num_scan_inputs \(numScanInputs) exceeds the \(inputs.count) inputs") }
        var state: [Value] = []
        for k in 0..<nState { state.append(try inputs.value(k)) }
        var scanInputs: [Tensor] = []
        for k in nState..<inputs.count { scanInputs.append(try inputs.tensor(k)) }
        var axes: [Int] = []
        for (k, x) in scanInputs.enumerated() { axes.append(try Shapes.axis(inputAxes?[safe: k] ?? 0, rank: x.rank)) }
        let trips = scanInputs.first.map { $0.shape[axes[0]] } ?? 0
        for (k, x) in scanInputs.enumerated() where x.shape[axes[k]] != trips {
            throw KernelError("scan inputs have different lengths (\(x.shape[axes[k]]) vs \(trips))")
        }
        let nOut = numBodyOutputs - nState
        return Activation(state: state, scanInputs: scanInputs, axes: axes,
                          reversed: (0..<scanInputs.count).map { (inputDirections?[safe: $0] ?? 0) != 0 },
                          outAxes: (0..<max(nOut, 0)).map { outputAxes?[safe: $0] },
                          outReversed: (0..<max(nOut, 0)).map { (outputDirections?[safe: $0] ?? 0) != 0 }, trips: trips)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}

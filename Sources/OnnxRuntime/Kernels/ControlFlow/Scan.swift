import OnnxModel

/// Scan (opset 9+): iterates `body` over slices of the scan inputs along their axes, threading the
/// state values through; scan outputs are stacked along their axes. Each iteration is a child
/// frame `body[iter i]`. Scan 8 has a batch axis 0 and a sequence axis 1 instead, and an optional
/// first input `sequence_lens`: see `Batched`.
public struct Scan: OpKernel, ControlFlowKernel {
    public static let sinceVersions = [8, 9, 11, 16, 19, 21, 23, 24, 25]
    /// Opset 8: batch axis 0, sequence axis 1, sequence_lens input, `directions` attribute.
    let batched: Bool
    let numScanInputs: Int
    let inputAxes: [Int]?
    let inputDirections: [Int]?
    let outputAxes: [Int]?
    let outputDirections: [Int]?
    let numBodyOutputs: Int

    public init(_ node: NodeContext) throws {
        guard let body = try node.graph("body") else { throw KernelError("needs the body graph attribute") }
        numScanInputs = try node.required("num_scan_inputs") { (n: String) throws(KernelError) in try node.int(n) }
        batched = node.sinceVersion == 8
        inputAxes = try node.ints("scan_input_axes")
        inputDirections = batched ? try node.ints("directions") : try node.ints("scan_input_directions")
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
        if batched { return try beginBatched(inputs) }
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

extension Scan {
    /// Scan 8: for each batch entry b, the states start as init[b] and the body runs
    /// sequence_lens[b] times (default: the sequence axis length) over scan[b][t]; final states
    /// and scan outputs are stacked over the batch, scan outputs padded with zeros to the maximum
    /// sequence length. A reverse direction scans the first sequence_lens[b] elements backwards.
    final class Batched: ControlFlowActivation {
        let initial: [Tensor]
        let scanInputs: [Tensor]
        let reversed: [Bool]
        let lengths: [Int]
        let batch: Int, maxLength: Int, nScanOut: Int
        var b = 0, t = 0
        var state: [Value] = []
        /// Per batch entry: final states, and each scan output's elements.
        var finals: [[Tensor]] = []
        var scans: [[[Tensor]]] = []
        var current: [[Tensor]] = []

        init(initial: [Tensor], scanInputs: [Tensor], reversed: [Bool], lengths: [Int], batch: Int, maxLength: Int, nScanOut: Int) {
            self.initial = initial
            self.scanInputs = scanInputs
            self.reversed = reversed
            self.lengths = lengths
            self.batch = batch
            self.maxLength = maxLength
            self.nScanOut = nScanOut
        }

        static func entry(_ x: Tensor, _ i: Int, axis: Int) throws -> Tensor {
            let s = try Slice.apply(x, starts: [i], ends: [i + 1], axes: [axis], steps: nil)
            var shape = s.shape
            shape.remove(at: axis)
            return s.reshaped(shape)
        }

        func startBatch() throws {
            state = try initial.map { .tensor(try Batched.entry($0, b, axis: 0)) }
            current = Array(repeating: [], count: nScanOut)
            t = 0
        }

        func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
            if let outs = previousOutputs {
                guard outs.count == state.count + nScanOut else { throw KernelError("body returned \(outs.count) outputs, expected \(state.count + nScanOut)") }
                for k in 0..<state.count { state[k] = outs[k] }
                for k in 0..<nScanOut {
                    guard let e = outs[state.count + k].tensor else { throw KernelError("scan outputs must be tensors") }
                    current[k].append(e)
                }
                t += 1
            } else if batch > 0 {
                try startBatch()
            }
            while b < batch {
                if t < lengths[b] {
                    var slices: [Value?] = []
                    for (k, x) in scanInputs.enumerated() {
                        let row = try Batched.entry(x, b, axis: 0)
                        slices.append(.tensor(try Batched.entry(row, reversed[k] ? lengths[b] - 1 - t : t, axis: 0)))
                    }
                    return .run(subgraph: "body", inputs: state.map { Optional($0) } + slices, label: "body[batch \(b), iter \(t)]")
                }
                var fs: [Tensor] = []
                for v in state {
                    guard let x = v.tensor else { throw KernelError("state variables must be tensors") }
                    fs.append(x)
                }
                finals.append(fs)
                scans.append(current)
                b += 1
                if b < batch { try startBatch() }
            }
            return .finish(try results())
        }

        /// Stacks `parts` (equal shapes) along a new axis 0.
        static func stack(_ parts: [Tensor]) throws -> Tensor {
            let shape = [1] + parts[0].shape
            return try Concat.apply(parts.map { $0.reshaped(shape) }, axis: 0)
        }

        func results() throws -> [Value] {
            var out: [Value] = []
            for k in 0..<initial.count {
                out.append(.tensor(batch == 0 ? initial[k] : try Batched.stack(finals.map { $0[k] })))
            }
            for k in 0..<nScanOut {
                // The element shape and type come from any iteration that ran.
                guard let proto = scans.lazy.flatMap({ $0[k] }).first else {
                    out.append(.tensor(Tensor.zeros(.float, [batch, maxLength])))
                    continue
                }
                guard scans.allSatisfy({ $0[k].allSatisfy { $0.shape == proto.shape && $0.dtype == proto.dtype } }) else {
                    throw KernelError("scan output \(k) changes shape or type between iterations")
                }
                let pad = Tensor.zeros(proto.dtype, proto.shape)
                let rows = try scans.map { s in try Batched.stack(s[k] + Array(repeating: pad, count: maxLength - s[k].count)) }
                out.append(.tensor(try Batched.stack(rows)))
            }
            return out
        }
    }

    func beginBatched(_ inputs: [Value?]) throws -> any ControlFlowActivation {
        let nState = inputs.count - 1 - numScanInputs
        guard nState >= 0, numScanInputs > 0 else {
            throw KernelError("num_scan_inputs \(numScanInputs) does not fit the \(inputs.count) inputs (sequence_lens, states, scan inputs)")
        }
        var initial: [Tensor] = []
        for k in 0..<nState { initial.append(try inputs.tensor(1 + k)) }
        var scanInputs: [Tensor] = []
        for k in 0..<numScanInputs { scanInputs.append(try inputs.tensor(1 + nState + k)) }
        for (k, x) in scanInputs.enumerated() where x.rank < 2 {
            throw KernelError("scan input \(k) has shape \(shapeText(x.shape)): it needs a batch axis 0 and a sequence axis 1")
        }
        let batch = scanInputs[0].shape[0], maxLength = scanInputs[0].shape[1]
        for (k, x) in scanInputs.enumerated() where x.shape[0] != batch || x.shape[1] != maxLength {
            throw KernelError("scan input \(k) has shape \(shapeText(x.shape)), expected batch \(batch) and sequence length \(maxLength)")
        }
        for (k, x) in initial.enumerated() where x.rank < 1 || x.shape[0] != batch {
            throw KernelError("initial state \(k) has shape \(shapeText(x.shape)): its axis 0 must be the batch size \(batch)")
        }
        var lengths = [Int](repeating: maxLength, count: batch)
        if let sl = try inputs.optionalTensor(0) {
            let v = try sl.intValues()
            guard v.count == batch else { throw KernelError("sequence_lens has \(v.count) values for a batch of \(batch)") }
            for (b, n) in v.enumerated() where n < 0 || n > maxLength {
                throw KernelError("sequence_lens[\(b)] = \(n) is outside 0...\(maxLength)")
            }
            lengths = v
        }
        if let d = inputDirections, d.count != numScanInputs {
            throw KernelError("directions has \(d.count) values for \(numScanInputs) scan inputs")
        }
        return Batched(initial: initial, scanInputs: scanInputs,
                       reversed: (0..<numScanInputs).map { (inputDirections?[safe: $0] ?? 0) != 0 },
                       lengths: lengths, batch: batch, maxLength: maxLength, nScanOut: max(numBodyOutputs - nState, 0))
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}

import OnnxModel

/// Element-wise nodes computed inside the Conv before them: Conv+Relu, Conv+Clip (ReLU6),
/// Conv+HardSwish and Conv+Sigmoid+Mul (SiLU), as onnxruntime fuses them. The activation then runs
/// on each block of the convolution's output while it is in cache, instead of as one more pass
/// over memory per node. Every node still completes on its own, in order, with its own outputs
/// (when intermediates are kept) and its own event, so stepping, breakpoints and the observer
/// see the graph as written.
struct Fusion {
    enum Activation {
        case relu, clip, hardSwish, silu
    }

    let activation: Activation
    /// The fused nodes follow the Conv directly in execution order: positions pc+1 ... pc+followers.
    let followers: Int

    /// Finds the fusable Conv nodes of a compiled graph: the Conv's output feeds only the fused
    /// nodes, is not a graph output, and the nodes follow it directly in the schedule.
    static func plan(_ g: GraphPlan) {
        for (i, np) in g.nodes.enumerated() {
            guard case let .kernel(k) = np.action, k is NN.Conv, !np.foldable,
                  np.outputs.count == 1, let c = np.outputs.first, c >= 0, !g.isOutput[c],
                  i + 1 < g.nodes.count else { continue }
            let f1 = g.nodes[i + 1]
            guard case let .kernel(k1) = f1.action, f1.outputs.count == 1, f1.outputs[0] >= 0,
                  case .local(c)? = f1.inputs.first else { continue }
            let reads1 = f1.inputs.dropFirst().contains { if case .local(c) = $0 { true } else { false } }
            if reads1 { continue }
            switch k1 {
            case is Relu where g.useCount[c] == 1:
                np.fusion = Fusion(activation: .relu, followers: 1)
            case is Clip where g.useCount[c] == 1:
                np.fusion = Fusion(activation: .clip, followers: 1)
            case is HardSwish where g.useCount[c] == 1:
                np.fusion = Fusion(activation: .hardSwish, followers: 1)
            case is Sigmoid where g.useCount[c] == 2 && i + 2 < g.nodes.count:
                // y = Mul(c, Sigmoid(c)) in either order, the Sigmoid read by the Mul alone.
                let s = f1.outputs[0], f2 = g.nodes[i + 2]
                guard !g.isOutput[s], g.useCount[s] == 1, case let .kernel(k2) = f2.action, k2 is Mul,
                      f2.outputs.count == 1, f2.outputs[0] >= 0, f2.inputs.count == 2 else { continue }
                let ins = f2.inputs.compactMap { if case let .local(x) = $0 { x } else { nil } }
                if ins.count == 2 && Set(ins) == [c, s] { np.fusion = Fusion(activation: .silu, followers: 2) }
            default:
                continue
            }
        }
    }
}

extension Interpreter {
    /// What running a fused group did.
    enum FusedOutcome {
        /// The group does not apply to these inputs (not float32, Clip bounds not constant
        /// float32 scalars): execute the nodes one by one.
        case notApplied
        /// The Conv and (unless a stop came first) its followers completed.
        case ran(Stop?)
    }

    /// Whether no stop can fall between the Conv and its followers for this run: stepping one
    /// node, a target or a before-node breakpoint on a follower run the nodes one by one.
    func canFuse(_ fu: Fusion, in f: Frame, target: RunTarget) -> Bool {
        if case .completion = target { return false }
        guard f.pc + fu.followers < f.plan.nodes.count else { return false }
        for k in 1...fu.followers {
            let np = f.plan.nodes[f.pc + k]
            if case let .node(name) = target, Interpreter.matches(name, np, path: f.nodePath(np)) { return false }
            if beforeBreakpoint(np, in: f) != nil { return false }
        }
        return true
    }

    /// The activation of a fused group for this run, nil when it does not apply.
    func epilogue(_ fu: Fusion, follower: NodePlan, in f: Frame) throws(RuntimeError) -> (FastMath.EpilogueKind, [Value?])? {
        switch fu.activation {
        case .relu: return (.clip(lo: 0, hi: .infinity), [])
        case .hardSwish: return (.hardSwish, [])
        case .silu: return (.silu, [])
        case .clip:
            guard case let .kernel(k) = follower.action, let clip = k as? Clip else { return nil }
            var lo: Float = -.infinity, hi: Float = .infinity
            var extra: [Value?] = []
            if clip.fromInputs {
                for (n, ref) in follower.inputs.enumerated().dropFirst() {
                    let v: Value?
                    // A bound that cannot be read fails in the unfused Clip, which names it.
                    do { v = try lookup(ref, in: f) } catch { return nil }
                    extra.append(v)
                    guard let v else { continue }
                    guard case let .tensor(t) = v, t.dtype == .float, t.count == 1 else { return nil }
                    let b = t.withUnsafeBuffer(as: Float.self) { $0[0] }
                    if b.isNaN { return nil }
                    if n == 1 { lo = b } else if n == 2 { hi = b }
                }
            } else {
                lo = clip.attrMin ?? -.infinity
                hi = clip.attrMax ?? .infinity
            }
            return (.clip(lo: lo, hi: hi), extra)
        }
    }

    /// The kept copies (the Conv's output, SiLU's sigmoid) this run holds to its end; the others
    /// are dropped after their last use (GraphPlan.recomputable) and best written through the cache.
    func streamedCopies(_ np: NodePlan, _ followers: [NodePlan], in f: Frame) -> FastMath.StreamedCopies {
        guard options.keepIntermediates else { return [] }
        guard options.dropRecomputable else { return [.pre, .mid] }
        func held(_ slot: Int?) -> Bool { slot.map { $0 >= 0 && !f.plan.recomputable[$0] } ?? false }
        var s: FastMath.StreamedCopies = []
        if held(np.outputs.first) { s.insert(.pre) }
        if held(followers.first?.outputs.first) { s.insert(.mid) }
        return s
    }

    /// Whether the Conv's own output may be left uncomputed (a DeferredValue in its events, its
    /// slot evicted): nobody reads values during this run (observer, conditions, breakpoints), the
    /// run would free or drop it right after the group anyway (GraphPlan.recomputable; the
    /// kernel also requires 64 KiB or more when keeping), and it is in the main graph (a
    /// subgraph's frame is gone when someone could ask for it).
    func canDeferPre(_ np: NodePlan, in f: Frame, needValues: Bool) -> Bool {
        guard !needValues, frames.count == 1, let s = np.outputs.first, s >= 0 else { return false }
        if options.keepIntermediates { return options.dropRecomputable && f.plan.recomputable[s] }
        return wantsEvents
    }

    /// Runs a Conv with its fused followers in one kernel call, then completes each node in turn;
    /// a stop after one of them (a breakpoint or condition on the Conv's output) leaves the rest
    /// unexecuted, as if the nodes had run one by one.
    func executeFused(_ np: NodePlan, _ fu: Fusion, in f: Frame, target: RunTarget, startDepth: Int) throws(RuntimeError) -> FusedOutcome {
        guard case let .kernel(k) = np.action, let conv = k as? NN.Conv else { return .notApplied }
        let followers = (1...fu.followers).map { f.plan.nodes[f.pc + $0] }
        guard let (kind, clipBounds) = try epilogue(fu, follower: followers[0], in: f) else { return .notApplied }
        let inputs = try gatherInputs(np, in: f)
        // Values someone may look at must exist as the unfused nodes would have made them.
        let needValues = (observerRef != nil && observerReadsValues) || stopCondition != nil || !breakpoints.isEmpty
        let keep = options.keepIntermediates || needValues
        let deferPre = canDeferPre(np, in: f, needValues: needValues)
        let t0 = Interpreter.now()
        fusedGroupsRun += 1
        let fused: NN.Conv.Fused
        do {
            guard let r = try conv.runFused(inputs, np.context, activation: kind, keep: keep, stream: streamedCopies(np, followers, in: f),
                                            deferPre: deferPre) else {
                fusedGroupsRun -= 1
                return .notApplied
            }
            fused = r
        } catch {
            throw kernelFailure(error, np, path: f.nodePath(np))
        }
        // Without keep, nothing reads the Conv's (or Sigmoid's) slot before it is freed at the end
        // of the group, so the final tensor stands in for it; a deferred Conv output hides it.
        let deferred = fused.preNonFinite.map { nonFinite in
            let args = inputs, context = np.context
            return DeferredValue(position: 0, dtype: .float, shape: fused.y.shape, anyNonFinite: nonFinite) {
                (try? conv.run(args, context))?.first
            }
        }
        let pre = Value.tensor(fused.pre ?? fused.y), y = Value.tensor(fused.y)
        let event = try complete(np, in: f, inputs: inputs, outputs: [pre], start: t0, deferredOutput: deferred)
        if let stop = check(event: event, target: target, startDepth: startDepth) { return .ran(stop) }
        var last = event
        switch fu.activation {
        case .relu, .clip, .hardSwish:
            last = try complete(followers[0], in: f, inputs: [pre] + clipBounds, outputs: [y], start: Interpreter.now(),
                                deferredInput: deferred, at: 0)
        case .silu:
            let mid = Value.tensor(fused.mid ?? fused.y)
            let e1 = try complete(followers[0], in: f, inputs: [pre], outputs: [mid], start: Interpreter.now(), deferredInput: deferred, at: 0)
            if let stop = check(event: e1, target: target, startDepth: startDepth) { return .ran(stop) }
            let first = followers[1].inputs.first.flatMap { if case let .local(s) = $0 { s } else { nil } }
            let preFirst = first != followers[0].outputs[0]
            let mulInputs: [Value?] = preFirst ? [pre, mid] : [mid, pre]
            last = try complete(followers[1], in: f, inputs: mulInputs, outputs: [y], start: Interpreter.now(),
                                deferredInput: deferred, at: preFirst ? 0 : 1)
        }
        try finishRootIfDone()
        return .ran(check(event: last, target: target, startDepth: startDepth))
    }
}

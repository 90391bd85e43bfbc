import OnnxModel

extension NN {
    /// LSTM (gates i, o, f, c): i = f(X Wi + H Ri + Pi * C + b), f = f(X Wf + H Rf + Pf * C + b),
    /// c~ = g(X Wc + H Rc + b), C = f * C + i * c~, o = f(X Wo + H Ro + Po * C + b), H = o * h(C).
    /// Peepholes P, input_forget (f = 1 - i), clip, directions, layouts, activations (default
    /// Sigmoid, Tanh, Tanh), sequence_lens, initial_h and initial_c. Outputs Y, Y_h, Y_c.
    public struct LSTM: OpKernel {
        public static let sinceVersions = [1, 7, 14, 22]
        let spec: RecurrentSpec
        let inputForget: Bool

        public init(_ node: NodeContext) throws {
            spec = try RecurrentSpec(node, fallback: [.sigmoid, .tanh, .tanh])
            inputForget = try node.int("input_forget", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1), r = try inputs.tensor(2)
            try ConvTypes.check(x, "X")
            let s = try spec.sizes(x, w, r, gates: 4)
            let outs: [Tensor]
            if ConvTypes.compute(x.dtype) == .double {
                outs = try run(inputs, x, w, r, s, Double.self)
            } else {
                outs = try run(inputs, x, w, r, s, Float.self)
            }
            return outs.prefix(max(1, min(context.outputCount, 3))).map { .tensor($0) }
        }

        func run<T: ConvScalar>(_ inputs: [Value?], _ x0: Tensor, _ w0: Tensor, _ r0: Tensor, _ s: RecurrentSpec.Sizes, _: T.Type) throws -> [Tensor] {
            let ct = T.dataType, dirs = spec.directions, h = s.hidden, batch = s.batch, seq = s.seq
            let x = try ConvTypes.to(try Recurrent.seqMajor(x0, layout: spec.layout), ct)
            let w = try ConvTypes.to(w0, ct), r = try ConvTypes.to(r0, ct)
            let b = try RecurrentSpec.param(try inputs.optionalTensor(3), [dirs, 8 * h], ct, "B")
            let lens = try RecurrentSpec.lengths(try inputs.optionalTensor(4), batch: batch, seq: seq)
            let stateShape = spec.layout == 0 ? [dirs, batch, h] : [batch, dirs, h]
            let h0 = try RecurrentSpec.param(try inputs.optionalTensor(5), stateShape, ct, "initial_h")
                .map { t throws(KernelError) in spec.layout == 0 ? t : try Transpose.apply(t, perm: [1, 0, 2]) }
            let c0 = try RecurrentSpec.param(try inputs.optionalTensor(6), stateShape, ct, "initial_c")
                .map { t throws(KernelError) in spec.layout == 0 ? t : try Transpose.apply(t, perm: [1, 0, 2]) }
            let peep = try RecurrentSpec.param(try inputs.optionalTensor(7), [dirs, 3 * h], ct, "P")
            let y = Scratch<T>(seq * dirs * batch * h)
            y.base.update(repeating: 0, count: seq * dirs * batch * h)
            let hState = Scratch<T>(dirs * batch * h), cState = Scratch<T>(dirs * batch * h)
            let gates = Scratch<T>(batch * 4 * h)
            let px = x.buffer.base.assumingMemoryBound(to: T.self), pw = w.buffer.base.assumingMemoryBound(to: T.self)
            let pr = r.buffer.base.assumingMemoryBound(to: T.self)
            for d in 0..<dirs {
                let reverse = spec.direction == .reverse || d == 1
                let f = spec.activations[3 * d], g = spec.activations[3 * d + 1], hf = spec.activations[3 * d + 2]
                let xw = try Recurrent.inputProjection(px, pw + d * 4 * h * s.input, rows: seq * batch, input: s.input, cols: 4 * h)
                let hp = hState.base + d * batch * h, cp = cState.base + d * batch * h
                if let h0 { h0.withUnsafeBuffer(as: T.self) { hp.update(from: $0.baseAddress! + d * batch * h, count: batch * h) } }
                else { hp.update(repeating: 0, count: batch * h) }
                if let c0 { c0.withUnsafeBuffer(as: T.self) { cp.update(from: $0.baseAddress! + d * batch * h, count: batch * h) } }
                else { cp.update(repeating: 0, count: batch * h) }
                var bias = [T](repeating: 0, count: 4 * h)
                if let b { b.withUnsafeBuffer(as: T.self) { p in for j in 0..<(4 * h) { bias[j] = p[d * 8 * h + j] + p[d * 8 * h + 4 * h + j] } } }
                var pi = [T](repeating: 0, count: h), po = pi, pf = pi
                if let peep { peep.withUnsafeBuffer(as: T.self) { p in for j in 0..<h { pi[j] = p[d * 3 * h + j]; po[j] = p[d * 3 * h + h + j]; pf[j] = p[d * 3 * h + 2 * h + j] } } }
                let rd = pr + d * 4 * h * h
                var newC = [T](repeating: 0, count: h)
                for step in 0..<seq {
                    for bi in 0..<batch {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let gp = gates.base + bi * 4 * h
                        if step < lens[bi] { gp.update(from: xw.base + (t * batch + bi) * 4 * h, count: 4 * h) } else { gp.update(repeating: 0, count: 4 * h) }
                    }
                    guard h > 0 && batch > 0 else { continue }
                    try T.nnGemm(transA: false, transB: true, m: batch, n: 4 * h, k: h, alpha: 1, a: hp, lda: h, b: rd, ldb: h,
                                 beta: 1, c: gates.base, ldc: 4 * h)
                    for bi in 0..<batch where step < lens[bi] {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let gp = gates.base + bi * 4 * h
                        for j in 0..<(4 * h) { gp[j] += bias[j] }
                        let gi = gp, go = gp + h, gf = gp + 2 * h, gc = gp + 3 * h
                        let hb = hp + bi * h, cb = cp + bi * h
                        for j in 0..<h { gi[j] += pi[j] * cb[j]; gf[j] += pf[j] * cb[j] }
                        Recurrent.clip(gi, h, spec.clip)
                        Recurrent.clip(gf, 2 * h, spec.clip)
                        f.apply(gi, h)
                        if inputForget { for j in 0..<h { gf[j] = 1 - gi[j] } } else { f.apply(gf, h) }
                        g.apply(gc, h)
                        for j in 0..<h { newC[j] = gf[j] * cb[j] + gi[j] * gc[j] }
                        for j in 0..<h { go[j] += po[j] * newC[j] }
                        Recurrent.clip(go, h, spec.clip)
                        f.apply(go, h)
                        newC.withUnsafeMutableBufferPointer { nc in
                            cb.update(from: nc.baseAddress!, count: h)
                            hf.apply(nc.baseAddress!, h)
                            for j in 0..<h { hb[j] = go[j] * nc[j] }
                        }
                        (y.base + ((t * dirs + d) * batch + bi) * h).update(from: hb, count: h)
                    }
                }
            }
            return try Recurrent.outputs(y: y, states: [hState, cState], seq: seq, dirs: dirs, batch: batch, hidden: h, layout: spec.layout, type: x0.dtype, T.self)
        }
    }
}

import OnnxModel

/// Visits a tensor's storage with a Swift type of the same width (UInt8/16/32/64, Bytes16 or
/// String): data-movement kernels are generic over it and never look at the values.
public protocol StorageVisitor {
    associatedtype Result
    func visit<T>(_ type: T.Type) throws(KernelError) -> Result
}

extension DataType {
    public func visitStorage<V: StorageVisitor>(_ v: V) throws(KernelError) -> V.Result {
        switch storageSize {
        case 1?: return try v.visit(UInt8.self)
        case 2?: return try v.visit(UInt16.self)
        case 4?: return try v.visit(UInt32.self)
        case 8?: return try v.visit(UInt64.self)
        case 16?: return try v.visit(Bytes16.self)
        default:
            if self == .string { return try v.visit(String.self) }
            throw KernelError.unsupported("tensors of type \(name) cannot be moved")
        }
    }
}

/// Data-movement helpers (layer (a)): strided copies and index gathers for any dtype.
public enum Movement {
    /// out[i0..ik] = src[offset + sum(i_d * strides[d])] for every index of `shape`.
    /// Covers Transpose (permuted strides), Slice (offset and stepped strides) and Expand (0 strides).
    public static func strided(_ src: Tensor, offset: Int, strides: [Int], shape: [Int]) throws(KernelError) -> Tensor {
        struct V: StorageVisitor {
            let src: Tensor, offset: Int, strides: [Int], shape: [Int]
            func visit<T>(_: T.Type) -> Tensor {
                src.withUnsafeBuffer(as: T.self) { s in
                    Tensor.make(src.dtype, shape, as: T.self) { d in
                        guard d.count > 0, let sp = s.baseAddress, let dp = d.baseAddress else { return }
                        let (cs, st) = Shapes.coalesce(shape, [strides])
                        let str = st[0]
                        let r = cs.count
                        if r == 0 { dp[0] = sp[offset]; return }
                        let inner = cs[r - 1], istr = str[r - 1]
                        // A transpose (the source's contiguous axis is not the output's last):
                        // element-by-element strided reads miss the cache on every element for
                        // large tensors (GPT-2's tied [50257, 768] embedding took over a second),
                        // so copy in tiles.
                        if istr != 1, inner >= 8, let j = (0..<(r - 1)).last(where: { str[$0] == 1 }), cs[j] >= 8 {
                            Movement.tiledTranspose(sp + offset, dp, shape: cs, strides: str, axis: j)
                            return
                        }
                        var idx = [Int](repeating: 0, count: r)
                        var o = offset, w = 0
                        for _ in 0..<(d.count / inner) {
                            let src = sp + o, dst = dp + w
                            if istr == 1 {
                                for i in 0..<inner { dst[i] = src[i] }
                            } else if istr == 0 {
                                let v = src[0]
                                for i in 0..<inner { dst[i] = v }
                            } else {
                                for i in 0..<inner { dst[i] = src[i &* istr] }
                            }
                            w &+= inner
                            var k = r - 2
                            while k >= 0 {
                                idx[k] &+= 1
                                o &+= str[k]
                                if idx[k] < cs[k] { break }
                                o &-= str[k] &* cs[k]
                                idx[k] = 0
                                k -= 1
                            }
                        }
                    }
                }
            }
        }
        return try src.dtype.visitStorage(V(src: src, offset: offset, strides: strides, shape: shape))
    }

    /// The strided copy of `strided` when source axis `j` (not the last) has stride 1 and the
    /// last output axis does not: for every index of the other axes, the (j, last) plane is
    /// copied in 32x32 tiles, so the strided reads of a tile stay in cache.
    static func tiledTranspose<T>(_ sp: UnsafePointer<T>, _ dp: UnsafeMutablePointer<T>, shape cs: [Int], strides str: [Int], axis j: Int) {
        let r = cs.count, tile = 32
        var dstr = [Int](repeating: 1, count: r)
        for d in stride(from: r - 2, through: 0, by: -1) { dstr[d] = dstr[d + 1] &* cs[d + 1] }
        let inner = cs[r - 1], istr = str[r - 1], rows = cs[j], rowStep = dstr[j]
        let others = (0..<(r - 1)).filter { $0 != j }
        var idx = [Int](repeating: 0, count: others.count)
        let planes = others.reduce(1) { $0 &* cs[$1] }
        var o = 0, w = 0
        for _ in 0..<planes {
            var a0 = 0
            while a0 < rows {
                let a1 = min(a0 + tile, rows)
                var b0 = 0
                while b0 < inner {
                    let b1 = min(b0 + tile, inner)
                    for a in a0..<a1 {
                        let s = sp + (o &+ a), d = dp + (w &+ a &* rowStep)
                        for b in b0..<b1 { d[b] = s[b &* istr] }
                    }
                    b0 = b1
                }
                a0 = a1
            }
            var k = others.count - 1
            while k >= 0 {
                let dim = others[k]
                idx[k] &+= 1
                o &+= str[dim]
                w &+= dstr[dim]
                if idx[k] < cs[dim] { break }
                o &-= str[dim] &* cs[dim]
                w &-= dstr[dim] &* cs[dim]
                idx[k] = 0
                k -= 1
            }
        }
    }

    /// out[i] = src[indices[i]] (flat indices, already validated), with the given output shape.
    public static func gather(_ src: Tensor, indices: [Int], shape: [Int]) throws(KernelError) -> Tensor {
        struct V: StorageVisitor {
            let src: Tensor, indices: [Int], shape: [Int]
            func visit<T>(_: T.Type) -> Tensor {
                src.withUnsafeBuffer(as: T.self) { s in
                    Tensor.make(src.dtype, shape, as: T.self) { d in
                        for i in 0..<d.count { d[i] = s[indices[i]] }
                    }
                }
            }
        }
        return try src.dtype.visitStorage(V(src: src, indices: indices, shape: shape))
    }

    /// Concatenation of contiguous blocks: for each outer index, the inner blocks of each part in turn.
    /// `parts[k]` contributes `blocks[k]` elements per outer step.
    public static func interleave(_ parts: [Tensor], blocks: [Int], outer: Int, dtype: DataType, shape: [Int]) throws(KernelError) -> Tensor {
        struct V: StorageVisitor {
            let parts: [Tensor], blocks: [Int], outer: Int, dtype: DataType, shape: [Int]
            func visit<T>(_: T.Type) -> Tensor {
                Tensor.make(dtype, shape, as: T.self) { d in
                    guard let dp = d.baseAddress else { return }
                    var w = 0
                    let ptrs: [UnsafePointer<T>?] = parts.map { p in p.withUnsafeBuffer(as: T.self) { $0.baseAddress } }
                    // Large outputs (DenseNet's growing Concats): contiguous output ranges per thread.
                    let threads = Parallel.split(d.count, weight: Swift.max(1, MemoryLayout<T>.stride / 4))
                    if threads > 1 {
                        Parallel.run(d.count, parts: threads) { r in
                            Movement.interleaveRange(dp, r, ptrs, blocks: blocks, outer: outer)
                        }
                        withExtendedLifetime(parts) {}
                        return
                    }
                    for o in 0..<outer {
                        for (k, b) in blocks.enumerated() where b > 0 {
                            // update(from:) is a memcpy for plain values, even where visit<T> is not specialised.
                            (dp + w).update(from: ptrs[k]! + o &* b, count: b)
                            w &+= b
                        }
                    }
                    withExtendedLifetime(parts) {}
                }
            }
        }
        return try dtype.visitStorage(V(parts: parts, blocks: blocks, outer: outer, dtype: dtype, shape: shape))
    }

    /// A copy of `base` with `updates[i]` written at flat index `indices[i]`, combined by `reduction`.
    public static func scatter(_ base: Tensor, indices: [Int], updates: Tensor, reduction: String) throws(KernelError) -> Tensor {
        if reduction == "none" {
            struct V: StorageVisitor {
                let base: Tensor, indices: [Int], updates: Tensor
                func visit<T>(_: T.Type) -> Tensor {
                    base.withUnsafeBuffer(as: T.self) { b in
                        updates.withUnsafeBuffer(as: T.self) { u in
                            Tensor.make(base.dtype, base.shape, as: T.self) { d in
                                for i in 0..<d.count { d[i] = b[i] }
                                for (k, f) in indices.enumerated() { d[f] = u[k] }
                            }
                        }
                    }
                }
            }
            return try base.dtype.visitStorage(V(base: base, indices: indices, updates: updates))
        }
        let t = base.dtype
        let work = try Dispatch.upcast(base), upd = try Dispatch.upcast(updates)
        let r: Tensor
        switch work.dtype {
        case .float: r = scatterReduce(work, indices, upd, reduction, Float.self)
        case .double: r = scatterReduce(work, indices, upd, reduction, Double.self)
        case .int8: r = scatterReduce(work, indices, upd, reduction, Int8.self)
        case .int16: r = scatterReduce(work, indices, upd, reduction, Int16.self)
        case .int32: r = scatterReduce(work, indices, upd, reduction, Int32.self)
        case .int64: r = scatterReduce(work, indices, upd, reduction, Int64.self)
        case .uint8: r = scatterReduce(work, indices, upd, reduction, UInt8.self)
        case .uint16: r = scatterReduce(work, indices, upd, reduction, UInt16.self)
        case .uint32: r = scatterReduce(work, indices, upd, reduction, UInt32.self)
        case .uint64: r = scatterReduce(work, indices, upd, reduction, UInt64.self)
        default: throw KernelError.unsupported("reduction '\(reduction)' is not supported for \(t.name)")
        }
        return try Dispatch.downcast(r, to: t)
    }

    static func scatterReduce<T: NumericElement>(_ base: Tensor, _ indices: [Int], _ updates: Tensor, _ reduction: String, _: T.Type) -> Tensor {
        var out = base.elements(as: T.self)
        updates.withUnsafeBuffer(as: T.self) { u in
            for (k, f) in indices.enumerated() {
                switch reduction {
                case "add": out[f] = T.add(out[f], u[k])
                case "mul": out[f] = T.mul(out[f], u[k])
                case "max": out[f] = T.maxNaN(out[f], u[k])
                case "min": out[f] = T.minNaN(out[f], u[k])
                default: out[f] = u[k]
                }
            }
        }
        return Tensor(dtype: base.dtype, shape: base.shape, out)
    }
}

import OnnxModel

extension NN {
    /// MaxUnpool: scatters X into a zero tensor at the flat positions given by I (MaxPool's
    /// indices); the output size is (in - 1) * stride - pads + kernel per spatial dim, or the
    /// optional output_shape input (the unpooled block sits at its start).
    public struct MaxUnpool: OpKernel {
        public static let sinceVersions = [9, 11, 22]
        let kernel: [Int]
        let pads: [Int]?
        let strides: [Int]?

        public init(_ node: NodeContext) throws {
            kernel = try node.required("kernel_shape") { (n: String) throws(KernelError) in try node.ints(n) }
            pads = try node.ints("pads")
            strides = try node.ints("strides")
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), ind = try inputs.tensor(1)
            guard x.rank >= 3 else { throw KernelError("X must be [N, C, spatial...], got \(shapeText(x.shape))") }
            guard ind.shape == x.shape else { throw KernelError("I \(shapeText(ind.shape)) must have X's shape \(shapeText(x.shape))") }
            let r = x.rank - 2
            guard kernel.count == r else { throw KernelError("kernel_shape has \(kernel.count) entries for \(r) spatial dims") }
            let st = try WindowAttributes.list(strides, r, "strides", fill: 1)
            let pd = try WindowAttributes.list(pads, 2 * r, "pads", fill: 0)
            var inferred = Array(x.shape[0..<2])
            for d in 0..<r { inferred.append((x.shape[d + 2] - 1) * st[d] - (pd[d] + pd[d + r]) + kernel[d]) }
            var shape = inferred
            if let os = try inputs.optionalTensor(2) {
                shape = try os.intValues()
                guard shape.count == x.rank else { throw KernelError("output_shape has \(shape.count) entries, X has rank \(x.rank)") }
                for d in 0..<x.rank where shape[d] < inferred[d] { throw KernelError("output_shape \(shapeText(shape)) is smaller than \(shapeText(inferred))") }
            }
            _ = try Shapes.checked(inferred, what: "output shape")
            _ = try Shapes.checked(shape, what: "output shape")
            let total = Tensor.elementCount(inferred)
            let idx = try ind.intValues()
            for i in idx where i < 0 || i >= total { throw KernelError("index \(i) is outside the unpooled tensor of \(total) elements") }
            // Positions in the inferred block, then placed at the start of `shape`.
            let inferredStrides = Shapes.strides(inferred), outStrides = Shapes.strides(shape)
            var target = [Int](repeating: 0, count: idx.count)
            var mi = [Int](repeating: 0, count: x.rank)
            for (k, i) in idx.enumerated() {
                var rest = i, off = 0
                for d in 0..<x.rank { mi[d] = rest / inferredStrides[d]; rest %= inferredStrides[d]; off += mi[d] * outStrides[d] }
                target[k] = off
            }
            struct V: StorageVisitor {
                let x: Tensor, shape: [Int], target: [Int]
                func visit<T>(_: T.Type) -> Tensor {
                    let z = Tensor.zeros(x.dtype, shape)
                    let d = z.buffer.base.assumingMemoryBound(to: T.self)
                    x.withUnsafeBuffer(as: T.self) { s in for k in 0..<target.count { d[target[k]] = s[k] } }
                    return z
                }
            }
            guard x.dtype != .string else { throw KernelError.unsupported("string tensors are not supported") }
            return [.tensor(try x.dtype.visitStorage(V(x: x, shape: shape, target: target)))]
        }
    }
}

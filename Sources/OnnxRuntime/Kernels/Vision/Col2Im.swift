import OnnxModel

extension NN {
    /// Col2Im: sums sliding blocks back into an image: input [N, C * prod(block_shape), L]
    /// with L the number of blocks, output [N, C, image_shape...] (the adjoint of im2col).
    public struct Col2Im: OpKernel {
        public static let sinceVersions = [18]
        let dilations: [Int]?
        let pads: [Int]?
        let strides: [Int]?

        public init(_ node: NodeContext) throws {
            dilations = try node.ints("dilations")
            pads = try node.ints("pads")
            strides = try node.ints("strides")
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let image = try inputs.tensor(1).intValues(), block = try inputs.tensor(2).intValues()
            try ConvTypes.check(x, "input")
            let r = image.count
            guard r >= 1, block.count == r else { throw KernelError("image_shape and block_shape must have the same non-zero length") }
            guard x.rank == 3 else { throw KernelError("input must be [N, C*prod(block_shape), L], got \(shapeText(x.shape))") }
            for v in block where v <= 0 { throw KernelError("block_shape \(shapeText(block)) must be positive") }
            _ = try Shapes.checked(image, what: "image_shape")
            let st = try WindowAttributes.list(strides, r, "strides", fill: 1)
            let dl = try WindowAttributes.list(dilations, r, "dilations", fill: 1)
            let pd = try WindowAttributes.list(pads, 2 * r, "pads", fill: 0)
            for v in st + dl where v <= 0 { throw KernelError("strides and dilations must be positive") }
            let kk = Tensor.elementCount(block)
            guard x.shape[1] % kk == 0 else { throw KernelError("input dim 1 (\(x.shape[1])) is not divisible by prod(block_shape) = \(kk)") }
            let c = x.shape[1] / kk, n = x.shape[0]
            var blocks = [Int](repeating: 0, count: r)
            for i in 0..<r {
                let span = image[i] + pd[i] + pd[i + r] - dl[i] * (block[i] - 1) - 1
                guard span >= 0 else { throw KernelError("image dim \(i) is smaller than the block") }
                blocks[i] = span / st[i] + 1
            }
            guard Tensor.elementCount(blocks) == x.shape[2] else {
                throw KernelError("input has \(x.shape[2]) blocks, the geometry gives \(shapeText(blocks)) = \(Tensor.elementCount(blocks))")
            }
            let geo = WindowGeometry(inSize: image, kernel: block, strides: st, dilations: dl, padBegin: Array(pd[0..<r]),
                                     padEnd: Array(pd[r...]), outSize: blocks)
            let ct = ConvTypes.compute(x.dtype)
            let xc = try ConvTypes.to(x, ct)
            let outShape = [n, c] + image
            let y: Tensor
            if ct == .double { y = Col2Im.apply(xc, geo, n * c, outShape, Double.self) } else { y = Col2Im.apply(xc, geo, n * c, outShape, Float.self) }
            return [.tensor(try ConvTypes.to(y, x.dtype))]
        }

        static func apply<T: ConvScalar>(_ x: Tensor, _ geo: WindowGeometry, _ planes: Int, _ shape: [Int], _: T.Type) -> Tensor {
            let z = Tensor.zeros(T.dataType, shape)
            let y = z.buffer.base.assumingMemoryBound(to: T.self)
            x.withUnsafeBuffer(as: T.self) { s in
                ConvEngine.col2im(s.baseAddress!, channels: planes, geo: geo, into: y)
            }
            return z
        }
    }
}

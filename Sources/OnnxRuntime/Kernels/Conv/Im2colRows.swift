extension NN.ConvEngine {
    /// The im2col rows of one channel's kernel row `ky` (kw rows of the matrix, each a whole output
    /// plane): the window restricted to one kernel row, its top pad moved by that row's offset.
    /// Lets a stem with three input channels split its im2col over threads.
    static func im2colKernelRow(_ x: UnsafePointer<Float>, geo: NN.WindowGeometry, ky: Int, into col: UnsafeMutablePointer<Float>) {
        FastMath.im2col2D(ih: geo.inSize[0], iw: geo.inSize[1], oh: geo.outSize[0], ow: geo.outSize[1], kh: 1, kw: geo.kernel[1],
                          sh: geo.strides[0], sw: geo.strides[1], dh: geo.dilations[0], dw: geo.dilations[1],
                          ph: geo.padBegin[0] - ky * geo.dilations[0], pw: geo.padBegin[1], x: x, channels: 1, col: col)
    }
}

import OnnxModel

extension NN {
    /// STFT: frames of frame_length samples every frame_step samples of signal [batch, length,
    /// 1 or 2], each multiplied by the window and transformed (onesided by default):
    /// output [batch, frames, bins, 2], frames = 1 + (length - frame_length) / frame_step.
    public struct STFT: OpKernel {
        public static let sinceVersions = [17]
        let onesided: Bool

        public init(_ node: NodeContext) throws {
            onesided = try node.int("onesided", default: 1) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            try ConvTypes.check(x, "signal")
            guard x.rank == 3, x.shape[2] == 1 || x.shape[2] == 2 else { throw KernelError("signal must be [batch, length, 1 or 2], got \(shapeText(x.shape))") }
            let step = try Spectral.size(try inputs.tensor(1), "frame_step")
            guard step > 0 else { throw KernelError("frame_step must be positive") }
            let window = try inputs.optionalTensor(2)
            var frameLength = window?.count ?? x.shape[1]
            if let fl = try inputs.optionalTensor(3) { frameLength = try Spectral.size(fl, "frame_length") }
            if let window { guard window.rank == 1, window.count == frameLength else { throw KernelError("window \(shapeText(window.shape)) must have frame_length \(frameLength) entries") } }
            guard frameLength >= 1, frameLength <= x.shape[1] else { throw KernelError("frame_length \(frameLength) must be in [1, \(x.shape[1])]") }
            if onesided && x.shape[2] == 2 { throw KernelError("onesided STFT needs a real signal") }
            let batch = x.shape[0], len = x.shape[1], comp = x.shape[2]
            let frames = 1 + (len - frameLength) / step
            let w = try window.map { t throws(KernelError) in try Cast.convert(t, to: .double).elements(as: Double.self) } ?? [Double](repeating: 1, count: frameLength)
            let v = try Cast.convert(x, to: .double).elements(as: Double.self)
            // Windowed frames [batch, frames, frameLength, comp], then one DFT along axis 2.
            var f = [Double](repeating: 0, count: batch * frames * frameLength * comp)
            for b in 0..<batch {
                for t in 0..<frames {
                    for k in 0..<frameLength {
                        for c in 0..<comp {
                            f[((b * frames + t) * frameLength + k) * comp + c] = v[((b * len) + t * step + k) * comp + c] * w[k]
                        }
                    }
                }
            }
            let framed = Tensor(shape: [batch, frames, frameLength, comp], f)
            let y = try DFT.apply(framed, axis: 2, length: frameLength, inverse: false, onesided: onesided, scale: false)
            return [.tensor(try Cast.convert(y, to: x.dtype))]
        }
    }
}

import OnnxModel

extension NN {
    /// ImageDecoder: decodes an encoded image (uint8 bytes) to [H, W, C] uint8 in RGB, BGR or
    /// Grayscale (ITU-R 601 luma as Pillow computes it). BMP, binary PNM and 8-bit PNG are
    /// decoded here; JPEG, JPEG 2000, TIFF and WebP through libturbojpeg, libopenjp2, libtiff and
    /// libwebp loaded at run time (a missing library is an error naming its Debian package).
    public struct ImageDecoder: OpKernel {
        public static let sinceVersions = [20]
        enum Format: String { case rgb = "RGB", bgr = "BGR", grayscale = "Grayscale" }
        let format: Format

        public init(_ node: NodeContext) throws {
            let f = try node.string("pixel_format", default: "RGB")
            guard let v = Format(rawValue: f) else { throw KernelError("pixel_format must be RGB, BGR or Grayscale, got '\(f)'") }
            format = v
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            guard x.dtype == .uint8, x.rank == 1 else { throw KernelError("encoded_stream must be a 1-D uint8 tensor, got \(x)") }
            let img = try ImageCodecs.decode(x.elements(as: UInt8.self))
            let n = img.width * img.height
            switch format {
            case .grayscale:
                var out = [UInt8](repeating: 0, count: n)
                for k in 0..<n {
                    if img.channels < 3 {
                        out[k] = img.pixels[k * img.channels]
                    } else {
                        let p = k * img.channels
                        let l = Int(img.pixels[p]) * 19595 + Int(img.pixels[p + 1]) * 38470 + Int(img.pixels[p + 2]) * 7471 + 0x8000
                        out[k] = UInt8(l >> 16)
                    }
                }
                return [.tensor(Tensor(dtype: .uint8, shape: [img.height, img.width, 1], out))]
            case .rgb, .bgr:
                var px = img.pixels
                let c = img.channels
                if format == .bgr && c >= 3 {
                    for k in 0..<n { px.swapAt(k * c, k * c + 2) }
                }
                return [.tensor(Tensor(dtype: .uint8, shape: [img.height, img.width, c], px))]
            }
        }
    }
}

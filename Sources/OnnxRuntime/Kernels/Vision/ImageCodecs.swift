#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// A decoded image: rows of `channels` interleaved 8-bit samples (RGB order for colour).
    struct DecodedImage {
        var width: Int
        var height: Int
        var channels: Int
        var pixels: [UInt8]
    }

    /// Decoders for the ImageDecoder op: BMP (uncompressed 24/32-bit), binary PNM (P5/P6) and
    /// PNG (8-bit, non-interlaced; DEFLATE through zlib, loaded with dlopen on first use) here;
    /// JPEG, JPEG 2000, TIFF and WebP through shared libraries in ImageLibraries.swift.
    enum ImageCodecs {
        static func decode(_ b: [UInt8]) throws(KernelError) -> DecodedImage {
            func starts(_ sig: [UInt8], at o: Int = 0) -> Bool { b.count >= o + sig.count && Array(b[o..<(o + sig.count)]) == sig }
            if starts([0x42, 0x4D]) { return try bmp(b) }
            if starts([0x50, 0x35]) || starts([0x50, 0x36]) { return try pnm(b) }
            if starts([0x89, 0x50, 0x4E, 0x47]) { return try png(b) }
            if starts([0xFF, 0xD8]) { return try jpeg(b) }
            if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) { return try jpeg2000(b, codestream: false) }
            if starts([0xFF, 0x4F, 0xFF, 0x51]) { return try jpeg2000(b, codestream: true) }
            if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return try tiff(b) }
            if starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], at: 8) { return try webp(b) }
            throw KernelError.unsupported("unrecognised or unsupported image format (BMP, PNM, PNG, JPEG, JPEG 2000, TIFF and WebP are supported)")
        }

        @inline(__always)
        static func le32(_ b: [UInt8], _ o: Int) -> Int {
            Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24
        }

        @inline(__always)
        static func be32(_ b: [UInt8], _ o: Int) -> Int {
            Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3])
        }

        static func checkedSize(_ w: Int, _ h: Int, _ c: Int) throws(KernelError) {
            guard w > 0, h > 0, w <= 1 << 15, h <= 1 << 15, w * h * c <= 1 << 28 else {
                throw KernelError("image size \(w)x\(h) is invalid or too large")
            }
        }

        static func bmp(_ b: [UInt8]) throws(KernelError) -> DecodedImage {
            guard b.count >= 54 else { throw KernelError("BMP data is truncated") }
            let offset = le32(b, 10), w = le32(b, 18)
            var h = Int(Int32(truncatingIfNeeded: le32(b, 22)))
            let bpp = Int(b[28]) | Int(b[29]) << 8, compression = le32(b, 30)
            guard compression == 0 || compression == 3, bpp == 24 || bpp == 32 else {
                throw KernelError.unsupported("BMP with \(bpp) bits per pixel or compression \(compression) is not supported")
            }
            let topDown = h < 0
            h = abs(h)
            try checkedSize(w, h, 3)
            let bytes = bpp / 8, stride = (w * bytes + 3) & ~3
            guard offset >= 0, offset + stride * (h - 1) + w * bytes <= b.count else { throw KernelError("BMP pixel data is truncated") }
            var px = [UInt8](repeating: 0, count: w * h * 3)
            for y in 0..<h {
                let row = offset + (topDown ? y : h - 1 - y) * stride
                for x in 0..<w {
                    let s = row + x * bytes, d = (y * w + x) * 3
                    px[d] = b[s + 2]; px[d + 1] = b[s + 1]; px[d + 2] = b[s]
                }
            }
            return DecodedImage(width: w, height: h, channels: 3, pixels: px)
        }

        static func pnm(_ b: [UInt8]) throws(KernelError) -> DecodedImage {
            let channels = b[1] == 0x36 ? 3 : 1
            var i = 2
            func token() throws(KernelError) -> Int {
                while i < b.count {
                    if b[i] == 0x23 { while i < b.count && b[i] != 0x0A { i += 1 } } else if b[i] == 0x20 || (b[i] >= 0x09 && b[i] <= 0x0D) { i += 1 } else { break }
                }
                var v = 0, digits = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39, digits < 9 { v = v * 10 + Int(b[i] - 0x30); i += 1; digits += 1 }
                guard digits > 0 else { throw KernelError("PNM header is malformed") }
                return v
            }
            let w = try token(), h = try token(), maxval = try token()
            i += 1
            guard maxval > 0 && maxval < 256 else { throw KernelError.unsupported("PNM with maxval \(maxval) is not supported") }
            try checkedSize(w, h, channels)
            guard i + w * h * channels <= b.count else { throw KernelError("PNM pixel data is truncated") }
            var px = Array(b[i..<(i + w * h * channels)])
            if maxval != 255 { for k in 0..<px.count { px[k] = UInt8(min(255, (Int(px[k]) * 255 + maxval / 2) / maxval)) } }
            return DecodedImage(width: w, height: h, channels: channels, pixels: px)
        }

        typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) -> Int32
        struct Zlib: @unchecked Sendable { let uncompress: Uncompress }
        static let zlib: Zlib? = {
            for name in ["libz.so.1", "libz.so"] {
                if let h = dlopen(name, RTLD_NOW | RTLD_LOCAL), let f = dlsym(h, "uncompress") {
                    return Zlib(uncompress: unsafeBitCast(f, to: Uncompress.self))
                }
            }
            return nil
        }()

        static func png(_ b: [UInt8]) throws(KernelError) -> DecodedImage {
            var i = 8
            var w = 0, h = 0, depth = 0, color = 0, interlace = 0
            var idat: [UInt8] = []
            var palette: [UInt8] = []
            while i + 8 <= b.count {
                let n = be32(b, i)
                let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
                guard n >= 0, i + 12 + n <= b.count else { throw KernelError("PNG chunk \(type) is truncated") }
                let data = i + 8
                switch type {
                case "IHDR":
                    guard n >= 13 else { throw KernelError("PNG IHDR is truncated") }
                    w = be32(b, data); h = be32(b, data + 4); depth = Int(b[data + 8]); color = Int(b[data + 9]); interlace = Int(b[data + 12])
                case "PLTE": palette = Array(b[data..<(data + n)])
                case "IDAT": idat += b[data..<(data + n)]
                default: break
                }
                if type == "IEND" { break }
                i += 12 + n
            }
            guard depth == 8, interlace == 0 else { throw KernelError.unsupported("PNG with bit depth \(depth) or interlacing is not supported") }
            let samples: Int
            switch color {
            case 0: samples = 1
            case 2: samples = 3
            case 3: samples = 1
            case 4: samples = 2
            case 6: samples = 4
            default: throw KernelError("PNG colour type \(color) is invalid")
            }
            try checkedSize(w, h, 4)
            guard let zlib else { throw KernelError.unsupported("PNG decoding needs zlib (libz.so.1)") }
            let stride = w * samples
            var raw = [UInt8](repeating: 0, count: (stride + 1) * h)
            var len = UInt(raw.count)
            let status = raw.withUnsafeMutableBufferPointer { d in
                idat.withUnsafeBufferPointer { s in zlib.uncompress(d.baseAddress, &len, s.baseAddress, UInt(s.count)) }
            }
            guard status == 0, Int(len) == raw.count else { throw KernelError("PNG image data is corrupt (zlib status \(status))") }
            // Undo the per-row filters.
            var px = [UInt8](repeating: 0, count: stride * h)
            for y in 0..<h {
                let filter = raw[y * (stride + 1)]
                let src = y * (stride + 1) + 1, dst = y * stride
                for x in 0..<stride {
                    let a = x >= samples ? Int(px[dst + x - samples]) : 0
                    let up = y > 0 ? Int(px[dst - stride + x]) : 0
                    let c = (x >= samples && y > 0) ? Int(px[dst - stride + x - samples]) : 0
                    var v = Int(raw[src + x])
                    switch filter {
                    case 0: break
                    case 1: v += a
                    case 2: v += up
                    case 3: v += (a + up) / 2
                    case 4:
                        let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                        v += pa <= pb && pa <= pc ? a : (pb <= pc ? up : c)
                    default: throw KernelError("PNG row filter \(filter) is invalid")
                    }
                    px[dst + x] = UInt8(truncatingIfNeeded: v)
                }
            }
            if color == 3 {
                var rgb = [UInt8](repeating: 0, count: w * h * 3)
                for k in 0..<(w * h) {
                    let p = Int(px[k]) * 3
                    guard p + 2 < palette.count else { throw KernelError("PNG palette index \(px[k]) is out of range") }
                    rgb[k * 3] = palette[p]; rgb[k * 3 + 1] = palette[p + 1]; rgb[k * 3 + 2] = palette[p + 2]
                }
                return DecodedImage(width: w, height: h, channels: 3, pixels: rgb)
            }
            return DecodedImage(width: w, height: h, channels: samples, pixels: px)
        }
    }
}

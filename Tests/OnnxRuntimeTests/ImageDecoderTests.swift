#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
@testable import OnnxRuntime
import Testing

/// ImageDecoder on JPEG, TIFF and WebP made in the test (TIFF by hand, JPEG and lossless WebP with
/// the encoders of the same Debian libraries the decoder loads), and on broken data. The node
/// suite checks all formats, JPEG 2000 included, against Pillow's pixels.
@Suite struct ImageDecoderTests {
    static func decode(_ bytes: [UInt8], _ format: String = "RGB") throws -> Tensor {
        try runOp("ImageDecoder", opset: 20, attrs: [string("pixel_format", format)], [u8([bytes.count], bytes)])[0].tensor!
    }

    /// 3x2 RGB test pattern.
    static let pixels: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 150, 100, 7, 7, 7]

    /// An uncompressed, single-strip baseline TIFF.
    static func tiff(width: Int, height: Int, samples: Int, _ data: [UInt8], bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = []
        func u16(_ v: Int) { out += bigEndian ? [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) { let b = (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) }; out += bigEndian ? b.reversed() : b }
        out += bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        u16(42)
        u32(8)
        // Tag, type (3 SHORT, 4 LONG), count, value. BitsPerSample for 3 samples points at 8,8,8 after the IFD.
        let entries = 9, ifdEnd = 8 + 2 + entries * 12 + 4
        let bitsOffset = ifdEnd, dataOffset = ifdEnd + 6
        u16(entries)
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: Int) {
            u16(tag); u16(type); u32(count)
            if type == 3 && count == 1 { u16(value); u16(0) } else { u32(value) }
        }
        entry(256, 3, 1, width)
        entry(257, 3, 1, height)
        if samples == 3 { entry(258, 3, 3, bitsOffset) } else { entry(258, 3, 1, 8) }
        entry(259, 3, 1, 1)  // no compression
        entry(262, 3, 1, samples == 3 ? 2 : 1)  // RGB, or BlackIsZero
        entry(273, 4, 1, dataOffset)
        entry(277, 3, 1, samples)
        entry(278, 3, 1, height)
        entry(279, 4, 1, data.count)
        u32(0)
        u16(8); u16(8); u16(8)
        return out + data
    }

    @Test(arguments: [false, true]) func uncompressedTIFF(bigEndian: Bool) throws {
        let y = try Self.decode(Self.tiff(width: 3, height: 2, samples: 3, Self.pixels, bigEndian: bigEndian))
        #expect(y.shape == [2, 3, 3])
        #expect(y.elements(as: UInt8.self) == Self.pixels)
        let bgr = try Self.decode(Self.tiff(width: 3, height: 2, samples: 3, Self.pixels, bigEndian: bigEndian), "BGR")
        #expect(Array(bgr.elements(as: UInt8.self).prefix(3)) == [0, 0, 255])
    }

    @Test func greyTIFFHasOneChannel() throws {
        let grey: [UInt8] = [0, 50, 100, 150, 200, 250]
        let y = try Self.decode(Self.tiff(width: 3, height: 2, samples: 1, grey, bigEndian: false))
        #expect(y.shape == [2, 3, 1])
        #expect(y.elements(as: UInt8.self) == grey)
    }

    static func symbol<T>(_ lib: String, _ name: String, as: T.Type) throws -> T {
        let h = try #require(dlopen(lib, RTLD_NOW | RTLD_LOCAL), "\(lib) is not installed (scripts/setup.sh installs it)")
        return unsafeBitCast(try #require(dlsym(h, name)), to: T.self)
    }

    @Test func losslessWebPDecodesExactly() throws {
        typealias Encode = @convention(c) (UnsafePointer<UInt8>?, Int32, Int32, Int32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int
        let encode = try Self.symbol("libwebp.so.7", "WebPEncodeLosslessRGB", as: Encode.self)
        var out: UnsafeMutablePointer<UInt8>?
        let n = encode(Self.pixels, 3, 2, 9, &out)
        let p = try #require(out)
        defer { free(p) }
        let y = try Self.decode(Array(UnsafeBufferPointer(start: p, count: n)))
        #expect(y.shape == [2, 3, 3])
        #expect(y.elements(as: UInt8.self) == Self.pixels)
    }

    /// A JPEG of an image (pixel format TJPF_RGB 0 or TJPF_GRAY 6) at quality 100.
    static func jpeg(_ px: [UInt8], width: Int, height: Int, grey: Bool) throws -> [UInt8] {
        typealias Init = @convention(c) () -> OpaquePointer?
        typealias Compress = @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32,
                                             UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<UInt>?, Int32, Int32, Int32) -> Int32
        typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
        let lib = "libturbojpeg.so.0"
        let h = try #require(try Self.symbol(lib, "tjInitCompress", as: Init.self)())
        var buf: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        // TJSAMP_444 = 0, TJSAMP_GRAY = 3.
        let rc = try Self.symbol(lib, "tjCompress2", as: Compress.self)(h, px, Int32(width), 0, Int32(height), grey ? 6 : 0, &buf, &size, grey ? 3 : 0, 100, 0)
        #expect(rc == 0)
        let p = try #require(buf)
        defer { try? Self.symbol(lib, "tjFree", as: Free.self)(p) }
        return Array(UnsafeBufferPointer(start: p, count: Int(size)))
    }

    @Test func jpegDecodesToRGBBGRAndGrey() throws {
        // A flat colour survives JPEG at quality 100 within rounding.
        let (w, h) = (16, 8)
        let flat = [UInt8]((0..<(w * h)).flatMap { _ in [200, 100, 30] as [UInt8] })
        let bytes = try Self.jpeg(flat, width: w, height: h, grey: false)
        let rgb = try Self.decode(bytes)
        #expect(rgb.shape == [h, w, 3])
        for (k, v) in rgb.elements(as: UInt8.self).enumerated() { #expect(abs(Int(v) - Int(flat[k])) <= 2, "\(k)") }
        let bgr = try Self.decode(bytes, "BGR").elements(as: UInt8.self)
        #expect(abs(Int(bgr[0]) - 30) <= 2 && abs(Int(bgr[2]) - 200) <= 2)
        // Grey luma of (200, 100, 30): 0.299 R + 0.587 G + 0.114 B = 121.9.
        let grey = try Self.decode(bytes, "Grayscale")
        #expect(grey.shape == [h, w, 1])
        #expect(grey.elements(as: UInt8.self).allSatisfy { abs(Int($0) - 122) <= 2 })
        // A greyscale JPEG decodes to one channel; a flat grey is exact.
        let g = try Self.decode(try Self.jpeg([UInt8](repeating: 128, count: w * h), width: w, height: h, grey: true))
        #expect(g.shape == [h, w, 1])
        #expect(g.elements(as: UInt8.self).allSatisfy { $0 == 128 })
    }

    @Test func brokenDataFailsWithAnError() throws {
        let jpeg = try Self.jpeg([UInt8](repeating: 90, count: 64 * 3), width: 8, height: 8, grey: false)
        let jp2Signature: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]
        let tiff = Self.tiff(width: 3, height: 2, samples: 3, Self.pixels, bigEndian: false)
        let cases: [(String, [UInt8])] = [
            ("JPEG", Array(jpeg.prefix(12))),
            ("JPEG 2000", jp2Signature + [0, 0, 0, 0x14, 0x66, 0x74]),
            ("JPEG 2000", [0xFF, 0x4F, 0xFF, 0x51, 0, 0]),
            ("TIFF", Array(tiff.prefix(30))),
            ("TIFF", Array(tiff.prefix(tiff.count - 10))),
            ("WebP", Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 garbage".utf8)),
            ("format", [1, 2, 3, 4]),
        ]
        for (what, bytes) in cases {
            #expect(throws: KernelError.self, "\(what)") { try Self.decode(bytes) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

/// JPEG, JPEG 2000, TIFF and WebP decoding for ImageDecoder through Debian's shared libraries,
/// loaded with dlopen on first use (a missing library fails the node with an error naming the
/// package; nothing is linked at build time). These are the libraries Pillow decodes with, so the
/// pixels match the ONNX reference. JPEG goes through libjpeg-turbo's TurboJPEG API
/// (libturbojpeg0): the classic libjpeg API needs its large decompress struct and setjmp error
/// handling, which cannot be used safely without its C headers.
extension NN.ImageCodecs {
    static func load(_ names: [String], _ symbols: [String]) -> [UnsafeMutableRawPointer]? {
        for name in names {
            guard let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            let found = symbols.compactMap { dlsym(h, $0) }
            if found.count == symbols.count { return found }
        }
        return nil
    }

    static func missing(_ format: String, _ library: String, _ package: String) -> KernelError {
        KernelError.unsupported("\(format) decoding needs \(library) (Debian package \(package)), which could not be loaded")
    }

    // MARK: JPEG (libturbojpeg)

    struct TurboJPEG: @unchecked Sendable {
        typealias Init = @convention(c) () -> OpaquePointer?
        typealias Header = @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?,
                                           UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Int32
        typealias Decompress = @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UInt8>?, Int32, Int32, Int32, Int32, Int32) -> Int32
        typealias Destroy = @convention(c) (OpaquePointer?) -> Int32
        typealias ErrorText = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
        typealias ErrorCode = @convention(c) (OpaquePointer?) -> Int32
        let initDecompress: Init, header: Header, decompress: Decompress, destroy: Destroy, errorText: ErrorText, errorCode: ErrorCode
    }

    static let turbojpeg: TurboJPEG? = {
        guard let s = load(["libturbojpeg.so.0", "libturbojpeg.so"],
                           ["tjInitDecompress", "tjDecompressHeader3", "tjDecompress2", "tjDestroy", "tjGetErrorStr2", "tjGetErrorCode"]) else { return nil }
        return TurboJPEG(initDecompress: unsafeBitCast(s[0], to: TurboJPEG.Init.self), header: unsafeBitCast(s[1], to: TurboJPEG.Header.self),
                         decompress: unsafeBitCast(s[2], to: TurboJPEG.Decompress.self), destroy: unsafeBitCast(s[3], to: TurboJPEG.Destroy.self),
                         errorText: unsafeBitCast(s[4], to: TurboJPEG.ErrorText.self), errorCode: unsafeBitCast(s[5], to: TurboJPEG.ErrorCode.self))
    }()

    static func jpeg(_ b: [UInt8]) throws(KernelError) -> NN.DecodedImage {
        guard let tj = turbojpeg else { throw missing("JPEG", "libturbojpeg.so.0", "libturbojpeg0") }
        guard let h = tj.initDecompress() else { throw KernelError("JPEG: the decoder could not be created") }
        defer { _ = tj.destroy(h) }
        func failure(_ what: String) -> KernelError {
            KernelError("JPEG \(what): \(tj.errorText(h).map { String(cString: $0) } ?? "unknown error")")
        }
        var w: Int32 = 0, ht: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tj.header(h, b, UInt(b.count), &w, &ht, &subsampling, &colorspace) == 0 else { throw failure("header") }
        // TJCS_GRAY (2) decodes to one channel, as Pillow's mode L; CMYK/YCCK (3, 4) cannot become RGB here.
        guard colorspace <= 2 else { throw KernelError.unsupported("JPEG in the CMYK/YCCK colour space is not supported") }
        let channels = colorspace == 2 ? 1 : 3
        try checkedSize(Int(w), Int(ht), channels)
        var px = [UInt8](repeating: 0, count: Int(w) * Int(ht) * channels)
        // TJPF_RGB = 0, TJPF_GRAY = 6; flags 0: accurate DCT and fancy upsampling, libjpeg's defaults (and Pillow's).
        let rc = tj.decompress(h, b, UInt(b.count), &px, w, 0, ht, channels == 1 ? 6 : 0, 0)
        // TJERR_WARNING (0): the image was decoded despite a recoverable problem, as libjpeg does for Pillow.
        guard rc == 0 || tj.errorCode(h) == 0 else { throw failure("data") }
        return NN.DecodedImage(width: Int(w), height: Int(ht), channels: channels, pixels: px)
    }

    // MARK: WebP (libwebp)

    struct WebP: @unchecked Sendable {
        typealias Decode = @convention(c) (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<UInt8>?
        typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
        let decodeRGB: Decode, free: Free
    }

    static let webpLibrary: WebP? = {
        guard let s = load(["libwebp.so.7", "libwebp.so"], ["WebPDecodeRGB", "WebPFree"]) else { return nil }
        return WebP(decodeRGB: unsafeBitCast(s[0], to: WebP.Decode.self), free: unsafeBitCast(s[1], to: WebP.Free.self))
    }()

    /// WebP to RGB (an alpha channel is dropped).
    static func webp(_ b: [UInt8]) throws(KernelError) -> NN.DecodedImage {
        guard let lib = webpLibrary else { throw missing("WebP", "libwebp.so.7", "libwebp7") }
        var w: Int32 = 0, h: Int32 = 0
        guard let p = lib.decodeRGB(b, b.count, &w, &h) else { throw KernelError("WebP data could not be decoded") }
        defer { lib.free(p) }
        try checkedSize(Int(w), Int(h), 3)
        return NN.DecodedImage(width: Int(w), height: Int(h), channels: 3, pixels: Array(UnsafeBufferPointer(start: p, count: Int(w) * Int(h) * 3)))
    }

    // MARK: TIFF (libtiff)

    struct TIFF: @unchecked Sendable {
        typealias Read = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int) -> Int
        typealias Seek = @convention(c) (UnsafeMutableRawPointer?, UInt64, Int32) -> UInt64
        typealias Close = @convention(c) (UnsafeMutableRawPointer?) -> Int32
        typealias Size = @convention(c) (UnsafeMutableRawPointer?) -> UInt64
        typealias Map = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UInt64>?) -> Int32
        typealias Unmap = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UInt64) -> Void
        typealias ClientOpen = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Read?, Read?, Seek?, Close?, Size?, Map?, Unmap?) -> OpaquePointer?
        typealias ReadRGBA = @convention(c) (OpaquePointer?, UInt32, UInt32, UnsafeMutablePointer<UInt32>?, Int32, Int32) -> Int32
        typealias CloseFile = @convention(c) (OpaquePointer?) -> Void
        typealias SetHandler = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
        let clientOpen: ClientOpen, readRGBA: ReadRGBA, close: CloseFile
    }

    static let tiffLibrary: TIFF? = {
        guard let s = load(["libtiff.so.6", "libtiff.so.5", "libtiff.so"],
                           ["TIFFClientOpen", "TIFFReadRGBAImageOriented", "TIFFClose", "TIFFSetErrorHandler", "TIFFSetWarningHandler"]) else { return nil }
        // libtiff prints errors and warnings to stderr by default: silence them (the node's error says what failed).
        _ = unsafeBitCast(s[3], to: TIFF.SetHandler.self)(nil)
        _ = unsafeBitCast(s[4], to: TIFF.SetHandler.self)(nil)
        return TIFF(clientOpen: unsafeBitCast(s[0], to: TIFF.ClientOpen.self), readRGBA: unsafeBitCast(s[1], to: TIFF.ReadRGBA.self),
                    close: unsafeBitCast(s[2], to: TIFF.CloseFile.self))
    }()

    /// The bytes libtiff and openjpeg read through callbacks.
    final class MemoryStream {
        let bytes: [UInt8]
        var position = 0
        init(_ b: [UInt8]) { bytes = b }

        func read(into p: UnsafeMutableRawPointer?, _ n: Int) -> Int {
            guard let p, n > 0, position < bytes.count else { return 0 }
            let k = min(n, bytes.count - position)
            bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress! + position, byteCount: k) }
            position += k
            return k
        }

        /// Moves to `target` if it lies within the data (or just past its end).
        func seek(_ target: Int64) -> Bool {
            guard target >= 0, target <= Int64(bytes.count) else { return false }
            position = Int(target)
            return true
        }
    }

    /// Width, height and samples per pixel from the first IFD of a classic TIFF.
    static func tiffHeader(_ b: [UInt8]) throws(KernelError) -> (width: Int, height: Int, samples: Int) {
        guard b.count >= 8 else { throw KernelError("TIFF data is truncated") }
        let little = b[0] == 0x49
        func u16(_ o: Int) throws(KernelError) -> Int {
            guard o >= 0, o + 2 <= b.count else { throw KernelError("TIFF data is truncated") }
            return little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])
        }
        func u32(_ o: Int) throws(KernelError) -> Int {
            guard o >= 0, o + 4 <= b.count else { throw KernelError("TIFF data is truncated") }
            return little ? le32(b, o) : be32(b, o)
        }
        guard try u16(2) == 42 else { throw KernelError.unsupported("BigTIFF is not supported") }
        let ifd = try u32(4)
        var w = 0, h = 0, samples = 1
        for k in 0..<(try u16(ifd)) {
            let e = ifd + 2 + 12 * k
            let tag = try u16(e), type = try u16(e + 2)
            let value = type == 3 ? try u16(e + 8) : try u32(e + 8)
            switch tag {
            case 256: w = value
            case 257: h = value
            case 277: samples = value
            default: break
            }
        }
        return (w, h, samples)
    }

    /// TIFF through libtiff's RGBA reader: one channel for single-sample images, else RGB (alpha dropped).
    static func tiff(_ b: [UInt8]) throws(KernelError) -> NN.DecodedImage {
        guard let lib = tiffLibrary else { throw missing("TIFF", "libtiff.so.6", "libtiff6") }
        let (w, h, samples) = try tiffHeader(b)
        let channels = samples == 1 ? 1 : 3
        try checkedSize(w, h, 4)
        let stream = MemoryStream(b)
        let ctx = Unmanaged.passUnretained(stream).toOpaque()
        let read: TIFF.Read = { c, p, n in Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue().read(into: p, n) }
        let write: TIFF.Read = { _, _, _ in 0 }
        let seek: TIFF.Seek = { c, off, whence in
            let s = Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue()
            let delta = Int64(bitPattern: off)
            let base: Int64 = whence == SEEK_CUR ? Int64(s.position) : whence == SEEK_END ? Int64(s.bytes.count) : 0
            return s.seek(base &+ delta) ? UInt64(s.position) : UInt64.max
        }
        let close: TIFF.Close = { _ in 0 }
        let size: TIFF.Size = { c in UInt64(Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue().bytes.count) }
        let map: TIFF.Map = { _, _, _ in 0 }
        let unmap: TIFF.Unmap = { _, _, _ in }
        // "m": read through the callbacks, never memory-map.
        let tif: OpaquePointer? = withExtendedLifetime(stream) { lib.clientOpen("image.tiff", "rm", ctx, read, write, seek, close, size, map, unmap) }
        guard let tif else { throw KernelError("TIFF data could not be opened") }
        defer { lib.close(tif) }
        var raster = [UInt32](repeating: 0, count: w * h)
        // ORIENTATION_TOPLEFT = 1; stop on the first error.
        guard withExtendedLifetime(stream, { lib.readRGBA(tif, UInt32(w), UInt32(h), &raster, 1, 1) }) == 1 else {
            throw KernelError("TIFF pixel data could not be decoded")
        }
        var px = [UInt8](repeating: 0, count: w * h * channels)
        for i in 0..<(w * h) {
            let v = raster[i]
            if channels == 1 {
                px[i] = UInt8(v & 0xFF)
            } else {
                px[3 * i] = UInt8(v & 0xFF); px[3 * i + 1] = UInt8((v >> 8) & 0xFF); px[3 * i + 2] = UInt8((v >> 16) & 0xFF)
            }
        }
        return NN.DecodedImage(width: w, height: h, channels: channels, pixels: px)
    }

    // MARK: JPEG 2000 (libopenjp2)

    struct OpenJPEG: @unchecked Sendable {
        typealias Create = @convention(c) (Int32) -> OpaquePointer?
        typealias Defaults = @convention(c) (UnsafeMutableRawPointer?) -> Void
        typealias Setup = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
        typealias StreamCreate = @convention(c) (Int, Int32) -> OpaquePointer?
        typealias ReadFn = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int
        typealias SkipFn = @convention(c) (Int64, UnsafeMutableRawPointer?) -> Int64
        typealias SeekFn = @convention(c) (Int64, UnsafeMutableRawPointer?) -> Int32
        typealias SetRead = @convention(c) (OpaquePointer?, ReadFn?) -> Void
        typealias SetSkip = @convention(c) (OpaquePointer?, SkipFn?) -> Void
        typealias SetSeek = @convention(c) (OpaquePointer?, SeekFn?) -> Void
        typealias SetUserData = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void
        typealias SetLength = @convention(c) (OpaquePointer?, UInt64) -> Void
        typealias ReadHeader = @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32
        typealias Decode = @convention(c) (OpaquePointer?, OpaquePointer?, UnsafeMutableRawPointer?) -> Int32
        typealias End = @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
        typealias ImageDestroy = @convention(c) (UnsafeMutableRawPointer?) -> Void
        typealias Destroy = @convention(c) (OpaquePointer?) -> Void
        let create: Create, defaults: Defaults, setup: Setup, streamCreate: StreamCreate, setRead: SetRead, setSkip: SetSkip,
            setSeek: SetSeek, setUserData: SetUserData, setLength: SetLength, readHeader: ReadHeader, decode: Decode, end: End,
            imageDestroy: ImageDestroy, streamDestroy: Destroy, codecDestroy: Destroy
    }

    static let openjpeg: OpenJPEG? = {
        guard let s = load(["libopenjp2.so.7", "libopenjp2.so"],
                           ["opj_create_decompress", "opj_set_default_decoder_parameters", "opj_setup_decoder", "opj_stream_create",
                            "opj_stream_set_read_function", "opj_stream_set_skip_function", "opj_stream_set_seek_function",
                            "opj_stream_set_user_data", "opj_stream_set_user_data_length", "opj_read_header", "opj_decode",
                            "opj_end_decompress", "opj_image_destroy", "opj_stream_destroy", "opj_destroy_codec"]) else { return nil }
        return OpenJPEG(create: unsafeBitCast(s[0], to: OpenJPEG.Create.self), defaults: unsafeBitCast(s[1], to: OpenJPEG.Defaults.self),
                        setup: unsafeBitCast(s[2], to: OpenJPEG.Setup.self), streamCreate: unsafeBitCast(s[3], to: OpenJPEG.StreamCreate.self),
                        setRead: unsafeBitCast(s[4], to: OpenJPEG.SetRead.self), setSkip: unsafeBitCast(s[5], to: OpenJPEG.SetSkip.self),
                        setSeek: unsafeBitCast(s[6], to: OpenJPEG.SetSeek.self), setUserData: unsafeBitCast(s[7], to: OpenJPEG.SetUserData.self),
                        setLength: unsafeBitCast(s[8], to: OpenJPEG.SetLength.self), readHeader: unsafeBitCast(s[9], to: OpenJPEG.ReadHeader.self),
                        decode: unsafeBitCast(s[10], to: OpenJPEG.Decode.self), end: unsafeBitCast(s[11], to: OpenJPEG.End.self),
                        imageDestroy: unsafeBitCast(s[12], to: OpenJPEG.ImageDestroy.self), streamDestroy: unsafeBitCast(s[13], to: OpenJPEG.Destroy.self),
                        codecDestroy: unsafeBitCast(s[14], to: OpenJPEG.Destroy.self))
    }()

    /// JPEG 2000 (JP2 file or raw codestream) with 8-bit unsigned, unsubsampled components:
    /// 1 (grey) or 3 (RGB; a 4th alpha component is dropped).
    static func jpeg2000(_ b: [UInt8], codestream: Bool) throws(KernelError) -> NN.DecodedImage {
        guard let lib = openjpeg else { throw missing("JPEG 2000", "libopenjp2.so.7", "libopenjp2-7") }
        // OPJ_CODEC_J2K = 0, OPJ_CODEC_JP2 = 2.
        guard let codec = lib.create(codestream ? 0 : 2) else { throw KernelError("JPEG 2000: the decoder could not be created") }
        defer { lib.codecDestroy(codec) }
        // opj_dparameters_t is a few KB (it holds path buffers); 64 KB leaves room for any version.
        let params = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { params.deallocate() }
        params.initializeMemory(as: UInt8.self, repeating: 0, count: 1 << 16)
        lib.defaults(params)
        guard lib.setup(codec, params) != 0 else { throw KernelError("JPEG 2000: the decoder could not be set up") }
        guard let stream = lib.streamCreate(1 << 20, 1) else { throw KernelError("JPEG 2000: the stream could not be created") }
        defer { lib.streamDestroy(stream) }
        let source = MemoryStream(b)
        let read: OpenJPEG.ReadFn = { p, n, c in
            let s = Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue()
            let k = s.read(into: p, n)
            return k == 0 ? -1 : k  // (OPJ_SIZE_T)-1 marks the end
        }
        let skip: OpenJPEG.SkipFn = { n, c in
            let s = Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue()
            let from = s.position
            return s.seek(min(Int64(from) &+ n, Int64(s.bytes.count))) ? Int64(s.position - from) : -1
        }
        let seek: OpenJPEG.SeekFn = { n, c in Unmanaged<MemoryStream>.fromOpaque(c!).takeUnretainedValue().seek(n) ? 1 : 0 }
        lib.setRead(stream, read)
        lib.setSkip(stream, skip)
        lib.setSeek(stream, seek)
        lib.setUserData(stream, Unmanaged.passUnretained(source).toOpaque(), nil)
        lib.setLength(stream, UInt64(b.count))
        var image: UnsafeMutableRawPointer?
        let ok = withExtendedLifetime(source) {
            lib.readHeader(stream, codec, &image) != 0 && lib.decode(codec, stream, image) != 0 && lib.end(codec, stream) != 0
        }
        defer { if let image { lib.imageDestroy(image) } }
        guard ok, let image else { throw KernelError("JPEG 2000 data could not be decoded") }
        // opj_image_t: x0, y0, x1, y1, numcomps (uint32), color_space (int32), comps (pointer at 24).
        let count = Int(image.load(fromByteOffset: 16, as: UInt32.self))
        let colorSpace = image.load(fromByteOffset: 20, as: Int32.self)
        guard let comps = image.load(fromByteOffset: 24, as: UnsafeMutableRawPointer?.self), count >= 1 else {
            throw KernelError("JPEG 2000 image has no components")
        }
        // OPJ_CLRSPC_UNKNOWN -1, UNSPECIFIED 0, SRGB 1, GRAY 2; YCC and CMYK would need a conversion.
        guard (-1...2).contains(colorSpace) else { throw KernelError.unsupported("JPEG 2000 colour space \(colorSpace) (YCC/CMYK) is not supported") }
        let channels = count < 3 ? 1 : 3
        // opj_image_comp_t (64 bytes): dx, dy, w, h, x0, y0, prec, bpp, sgnd, resno_decoded, factor (uint32), data (int32 *, at 48).
        let first = comps
        let w = Int(first.load(fromByteOffset: 8, as: UInt32.self)), h = Int(first.load(fromByteOffset: 12, as: UInt32.self))
        try checkedSize(w, h, channels)
        var px = [UInt8](repeating: 0, count: w * h * channels)
        for c in 0..<channels {
            let comp = comps + 64 * c
            let dx = comp.load(as: UInt32.self), dy = comp.load(fromByteOffset: 4, as: UInt32.self)
            let cw = Int(comp.load(fromByteOffset: 8, as: UInt32.self)), ch = Int(comp.load(fromByteOffset: 12, as: UInt32.self))
            let prec = comp.load(fromByteOffset: 24, as: UInt32.self), signed = comp.load(fromByteOffset: 32, as: UInt32.self)
            guard dx == 1, dy == 1, cw == w, ch == h, prec == 8, signed == 0 else {
                throw KernelError.unsupported("JPEG 2000 component \(c) (\(prec)-bit\(signed != 0 ? " signed" : ""), subsampling \(dx)x\(dy)) is not supported: 8-bit unsigned full-resolution components are")
            }
            guard let data = comp.load(fromByteOffset: 48, as: UnsafeMutablePointer<Int32>?.self) else { throw KernelError("JPEG 2000 component \(c) has no data") }
            for i in 0..<(w * h) { px[i * channels + c] = UInt8(clamping: data[i]) }
        }
        return NN.DecodedImage(width: w, height: h, channels: channels, pixels: px)
    }
}

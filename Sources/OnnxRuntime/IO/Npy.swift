import OnnxModel

/// numpy `.npy` files (format versions 1.0-3.0), read and written without Foundation.
public enum Npy {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// numpy dtype descriptor for a runtime dtype, nil when numpy has no such type.
    public static func descr(_ t: DataType) -> String? {
        switch t {
        case .float: return "<f4"
        case .double: return "<f8"
        case .float16: return "<f2"
        case .int8: return "|i1"
        case .uint8: return "|u1"
        case .int16: return "<i2"
        case .uint16: return "<u2"
        case .int32: return "<i4"
        case .uint32: return "<u4"
        case .int64: return "<i8"
        case .uint64: return "<u8"
        case .bool: return "|b1"
        case .complex64: return "<c8"
        case .complex128: return "<c16"
        default: return nil
        }
    }

    /// The dtype a tensor is written as: itself when numpy has it, else float32 for reduced float
    /// types and int8/uint8 for the 4- and 2-bit integers.
    public static func storedType(_ t: DataType) -> DataType {
        if descr(t) != nil || t == .string { return t }
        switch t {
        case .int4, .int2: return .int8
        case .uint4, .uint2: return .uint8
        default: return .float
        }
    }

    /// `.npy` bytes for a tensor (types numpy lacks are converted, see `storedType`).
    public static func encode(_ t: Tensor) throws(KernelError) -> [UInt8] {
        let stored = storedType(t.dtype)
        let x = stored == t.dtype ? t : try Cast.convert(t, to: stored)
        var body: [UInt8]
        let d: String
        if x.dtype == .string {
            let width = max(1, x.strings.map { $0.unicodeScalars.count }.max() ?? 1)
            d = "<U\(width)"
            body = []
            body.reserveCapacity(width * 4 * x.count)
            for s in x.strings {
                var n = 0
                for u in s.unicodeScalars {
                    let v = u.value
                    body += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
                    n += 1
                }
                body += [UInt8](repeating: 0, count: (width - n) * 4)
            }
        } else {
            d = descr(x.dtype)!
            body = Array(UnsafeRawBufferPointer(start: x.buffer.base, count: x.count * (x.dtype.storageSize ?? 0)))
        }
        let shape = x.shape.isEmpty ? "()" : (x.shape.count == 1 ? "(\(x.shape[0]),)" : "(" + x.shape.map(String.init).joined(separator: ", ") + ")")
        var header = "{'descr': '\(d)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let hlen = header.utf8.count
        var out = magic + [1, 0]
        if hlen > 65535 {
            out = magic + [2, 0]
            out += [UInt8(hlen & 0xFF), UInt8((hlen >> 8) & 0xFF), UInt8((hlen >> 16) & 0xFF), UInt8(hlen >> 24)]
        } else {
            out += [UInt8(hlen & 0xFF), UInt8(hlen >> 8)]
        }
        out += Array(header.utf8)
        out += body
        return out
    }

    /// A tensor from `.npy` bytes.
    public static func decode(_ bytes: [UInt8]) throws(Failure) -> Tensor {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw Failure(message: "not a .npy file (bad magic)") }
        let major = bytes[6]
        var pos: Int
        let hlen: Int
        switch major {
        case 1:
            hlen = Int(bytes[8]) | Int(bytes[9]) << 8
            pos = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw Failure(message: "truncated .npy header") }
            hlen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            pos = 12
        default:
            throw Failure(message: "unsupported .npy format version \(major)")
        }
        guard pos + hlen <= bytes.count else { throw Failure(message: "truncated .npy header") }
        let header = String(decoding: bytes[pos..<(pos + hlen)], as: UTF8.self)
        pos += hlen
        guard let descr = field(header, "descr").flatMap(quoted) else { throw Failure(message: ".npy header has no 'descr'") }
        let fortran = field(header, "fortran_order")?.hasPrefix("True") ?? false
        guard let shapeText = field(header, "shape"), let shape = parseShape(shapeText) else { throw Failure(message: ".npy header has no valid 'shape'") }
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, p < (1 << 40) else { throw Failure(message: ".npy shape is too large") }
            n = p
        }
        let body = Array(bytes[pos...])

        let order = descr.first ?? "<"
        let kind = descr.dropFirst().first ?? "?"
        let size = Int(descr.dropFirst(2)) ?? 0
        if kind == "U" || kind == "S" {
            let unit = kind == "U" ? 4 : 1
            guard body.count >= n * size * unit else { throw Failure(message: ".npy data is truncated") }
            var strings: [String] = []
            for i in 0..<n {
                let start = i * size * unit
                if unit == 4 {
                    var scalars = String.UnicodeScalarView()
                    for c in 0..<size {
                        let o = start + c * 4
                        let v = order == ">" ? (UInt32(body[o]) << 24 | UInt32(body[o + 1]) << 16 | UInt32(body[o + 2]) << 8 | UInt32(body[o + 3]))
                            : (UInt32(body[o]) | UInt32(body[o + 1]) << 8 | UInt32(body[o + 2]) << 16 | UInt32(body[o + 3]) << 24)
                        if v == 0 { break }
                        if let u = Unicode.Scalar(v) { scalars.append(u) }
                    }
                    strings.append(String(scalars))
                } else {
                    strings.append(String(decoding: body[start..<(start + size)].prefix { $0 != 0 }, as: UTF8.self))
                }
            }
            let t = Tensor(strings: strings, shape: shape)
            return fortran ? try fortranToC(t) : t
        }
        let type: DataType
        switch (kind, size) {
        case ("f", 4): type = .float
        case ("f", 8): type = .double
        case ("f", 2): type = .float16
        case ("i", 1): type = .int8
        case ("u", 1): type = .uint8
        case ("i", 2): type = .int16
        case ("u", 2): type = .uint16
        case ("i", 4): type = .int32
        case ("u", 4): type = .uint32
        case ("i", 8): type = .int64
        case ("u", 8): type = .uint64
        case ("b", 1): type = .bool
        case ("c", 8): type = .complex64
        case ("c", 16): type = .complex128
        default: throw Failure(message: "unsupported .npy dtype '\(descr)'")
        }
        let elem = type.storageSize!
        guard body.count >= n * elem else { throw Failure(message: ".npy data is truncated: \(body.count) bytes for \(n) x \(descr)") }
        var raw = Array(body[0..<(n * elem)])
        if order == ">" && elem > 1 {
            let unit = (type == .complex64 || type == .complex128) ? elem / 2 : elem
            for i in stride(from: 0, to: raw.count, by: unit) { raw[i..<(i + unit)].reverse() }
        }
        let t = Tensor.fromPacked(ByteView(raw), type: type, shape: shape, count: n)
        return fortran ? try fortranToC(t) : t
    }

    /// Reorders column-major data to row-major.
    static func fortranToC(_ t: Tensor) throws(Failure) -> Tensor {
        guard t.rank > 1 else { return t }
        // Column-major data of shape S is row-major data of reversed(S), transposed.
        let rev = t.reshaped(Array(t.shape.reversed()))
        do {
            return try Transpose.apply(rev, perm: Array((0..<t.rank).reversed()))
        } catch {
            throw Failure(message: error.message)
        }
    }

    static func field(_ header: String, _ key: String) -> String? {
        guard let r = header.firstRange(of: "'\(key)'") ?? header.firstRange(of: "\"\(key)\"") else { return nil }
        var rest = header[r.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        return String(rest)
    }

    static func quoted(_ s: String) -> String? {
        guard let q = s.first, q == "'" || q == "\"" else { return nil }
        let body = s.dropFirst()
        guard let end = body.firstIndex(of: q) else { return nil }
        return String(body[..<end])
    }

    static func parseShape(_ s: String) -> [Int]? {
        guard s.first == "(", let end = s.firstIndex(of: ")") else { return nil }
        let inner = s[s.index(after: s.startIndex)..<end]
        var dims: [Int] = []
        for part in inner.split(separator: ",") {
            let p = part.filter { $0 != " " && $0 != "L" }
            if p.isEmpty { continue }
            guard let d = Int(p), d >= 0 else { return nil }
            dims.append(d)
        }
        return dims
    }

    public static func read(path: String) throws(Failure) -> Tensor {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch { throw Failure(message: error.description) }
        do { return try decode(bytes) } catch { throw Failure(message: "\(path): \(error.message)") }
    }

    public static func write(_ t: Tensor, path: String) throws(Failure) {
        do {
            try Files.write(path, try encode(t))
        } catch let e as KernelError {
            throw Failure(message: "\(path): \(e.message)")
        } catch let e as Files.Failure {
            throw Failure(message: e.description)
        } catch {
            throw Failure(message: "\(path): \(error)")
        }
    }
}

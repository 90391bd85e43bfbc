/// Turns any TensorProto payload into its canonical form: the little-endian packed bytes that
/// `raw_data` would hold. Raw and external payloads come back as views (no copy); typed fields are
/// converted once.
enum TensorDecoding {
    /// The typed field that holds data of `type`, preferring the one the spec assigns to it.
    static func preferredField(for type: DataType?, among present: [TypedField.Kind]) -> TypedField.Kind? {
        guard !present.isEmpty else { return nil }
        if let type, let f = field(for: type), present.contains(f) { return f }
        return present.sorted { $0.rawValue < $1.rawValue }.first
    }

    /// The typed field the spec assigns to `type`.
    static func field(for type: DataType) -> TypedField.Kind? {
        switch type {
        case .float, .complex64: return .float
        case .double, .complex128: return .double
        case .int64: return .int64
        case .uint32, .uint64: return .uint64
        case .string, .undefined: return nil
        default: return .int32
        }
    }

    struct Failure: Error { var message: String }

    /// All values of a typed field, in order, as 64-bit patterns.
    static func values(_ f: TypedField) throws(Failure) -> [UInt64] {
        var out: [UInt64] = []
        for chunk in f.packed {
            let failure: Failure? = chunk.withUnsafeBytes { (buf: UnsafeRawBufferPointer) -> Failure? in
                switch f.kind {
                case .float:
                    guard buf.count % 4 == 0 else { return Failure(message: "\(f.kind.protoName) is \(buf.count) bytes, not a multiple of 4") }
                    out.reserveCapacity(out.count + buf.count / 4)
                    for i in stride(from: 0, to: buf.count, by: 4) { out.append(UInt64(buf.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian)) }
                case .double:
                    guard buf.count % 8 == 0 else { return Failure(message: "\(f.kind.protoName) is \(buf.count) bytes, not a multiple of 8") }
                    out.reserveCapacity(out.count + buf.count / 8)
                    for i in stride(from: 0, to: buf.count, by: 8) { out.append(buf.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian) }
                case .int32, .int64, .uint64:
                    var pos = 0
                    while pos < buf.count {
                        var v: UInt64 = 0
                        var shift: UInt64 = 0
                        while true {
                            guard pos < buf.count else { return Failure(message: "\(f.kind.protoName) ends inside a varint") }
                            let b = buf[pos]
                            pos += 1
                            if shift < 64 { v |= UInt64(b & 0x7f) << shift }
                            if b & 0x80 == 0 { break }
                            shift += 7
                            guard shift < 70 else { return Failure(message: "\(f.kind.protoName) holds an over-long varint") }
                        }
                        out.append(v)
                    }
                }
                return nil
            }
            if let failure { throw failure }
        }
        out.append(contentsOf: f.loose)
        return out
    }

    /// Converts typed-field values to canonical raw bytes for `type` and `count` elements.
    static func raw(from f: TypedField, type: DataType, count: Int) throws(Failure) -> [UInt8] {
        let v = try values(f)
        func need(_ n: Int) throws(Failure) {
            guard v.count == n else { throw Failure(message: "\(f.kind.protoName) holds \(v.count) values, \(type.name) x shape needs \(n)") }
        }
        var out: [UInt8] = []
        func put(_ x: UInt64, bytes: Int) {
            for b in 0..<bytes { out.append(UInt8(truncatingIfNeeded: x >> (8 * UInt64(b)))) }
        }
        switch (f.kind, type) {
        case (.float, .float): try need(count); v.forEach { put($0, bytes: 4) }
        case (.float, .complex64): try need(2 * count); v.forEach { put($0, bytes: 4) }
        case (.double, .double): try need(count); v.forEach { put($0, bytes: 8) }
        case (.double, .complex128): try need(2 * count); v.forEach { put($0, bytes: 8) }
        case (.int64, .int64), (.uint64, .uint64): try need(count); v.forEach { put($0, bytes: 8) }
        case (.uint64, .uint32): try need(count); v.forEach { put($0, bytes: 4) }
        case (.int32, _):
            guard let bits = type.bitWidth else { throw Failure(message: "int32_data cannot hold \(type.name)") }
            switch bits {
            case 32 where type == .int32: try need(count); v.forEach { put($0, bytes: 4) }
            case 16: try need(count); v.forEach { put($0, bytes: 2) }
            case 8: try need(count); v.forEach { put($0, bytes: 1) }
            case 4: try need((count + 1) / 2); v.forEach { put($0, bytes: 1) }   // two elements per entry
            case 2: try need((count + 3) / 4); v.forEach { put($0, bytes: 1) }   // four elements per entry
            case 6:
                // One 6-bit element per entry, repacked as a 24-bit LSB-first stream per four elements.
                try need(count)
                var acc: UInt32 = 0, nbits: UInt32 = 0
                for x in v {
                    acc |= UInt32(x & 0x3f) << nbits
                    nbits += 6
                    while nbits >= 8 { out.append(UInt8(acc & 0xff)); acc >>= 8; nbits -= 8 }
                }
                if nbits > 0 { out.append(UInt8(acc & 0xff)) }
            default: throw Failure(message: "int32_data cannot hold \(type.name)")
            }
        default:
            throw Failure(message: "\(f.kind.protoName) cannot hold \(type.name)")
        }
        return out
    }
}

extension TensorData {
    /// The element data as canonical little-endian bytes (raw_data layout), for fixed-width types.
    /// Raw and external data come back as views into the mapped file: nothing is copied.
    public func canonicalBytes() throws(LoadError) -> ByteView {
        let label = name.isEmpty ? "tensor" : "tensor '\(name)'"
        guard let type = dataType, type != .undefined else {
            throw LoadError(label, "has an unknown data type (\(elemType))")
        }
        guard type != .string else { throw LoadError(label, "is a string tensor (use stringValues())") }
        guard let count = elementCount, let expected = type.byteCount(elements: count) else {
            throw LoadError(label, "shape \(dims) has a negative dimension or an element count that overflows")
        }
        switch payload {
        case .none:
            if expected == 0 { return ByteView([]) }
            throw LoadError(label, "has no data but dtype x shape needs \(expected) bytes")
        case let .raw(view):
            guard view.count == expected else {
                throw LoadError(label, "raw_data has \(view.count) bytes, \(type.name)\(dims) needs \(expected)")
            }
            return view
        case let .typed(field):
            do {
                return ByteView(try TensorDecoding.raw(from: field, type: type, count: count))
            } catch {
                throw LoadError(label, error.message)
            }
        case .strings:
            throw LoadError(label, "holds string_data but its type is \(type.name)")
        case let .external(ref):
            return try ref.resolve(expected: expected)
        }
    }

    /// The elements of a string tensor.
    public func stringValues() throws(LoadError) -> [[UInt8]] {
        let label = name.isEmpty ? "tensor" : "tensor '\(name)'"
        guard case let .strings(s) = payload else {
            if elementCount == 0 { return [] }
            throw LoadError(label, "has no string_data")
        }
        guard s.count == elementCount else { throw LoadError(label, "string_data has \(s.count) elements, shape \(dims) needs \(elementCount.map(String.init) ?? "?")") }
        return s
    }

    /// Bytes the data occupies where it is stored (raw/external/typed as canonical size).
    public var storedByteCount: Int {
        switch payload {
        case .none: return 0
        case let .raw(v): return v.count
        case .typed, .external: return expectedByteCount ?? 0
        case let .strings(s): return s.reduce(0) { $0 + $1.count }
        }
    }
}

import OnnxModel

extension Tensor {
    /// A runtime tensor from a `TensorProto` (initializer, Constant value, test data). Data that is
    /// already in runtime layout and aligned stays a view into the mapped file; sub-byte types are
    /// unpacked, bools normalised.
    public init(data: TensorData) throws(KernelError) {
        let label = data.name.isEmpty ? "tensor" : "tensor '\(data.name)'"
        guard let type = data.dataType, type != .undefined else {
            throw KernelError("\(label) has an unknown data type (\(data.elemType))")
        }
        var shape: [Int] = []
        for d in data.dims {
            guard d >= 0, d <= Int64(Int32.max) else { throw KernelError("\(label) has an invalid dimension \(d)") }
            shape.append(Int(d))
        }
        guard let n = data.elementCount else { throw KernelError("\(label) shape \(shapeText(shape)) overflows") }
        if type == .string {
            let raw: [[UInt8]]
            do { raw = try data.stringValues() } catch { throw KernelError(error.message) }
            self = Tensor(strings: raw.map { String(decoding: $0, as: UTF8.self) }, shape: shape)
            return
        }
        let bytes: ByteView
        do { bytes = try data.canonicalBytes() } catch { throw KernelError(error.message) }
        self = Tensor.fromPacked(bytes, type: type, shape: shape, count: n)
    }

    /// A tensor from little-endian packed bytes (raw_data / .npy layout) of the right length.
    static func fromPacked(_ bytes: ByteView, type: DataType, shape: [Int], count n: Int) -> Tensor {
        let size = type.storageSize ?? 1
        switch type {
        case .int4, .uint4, .float4e2m1, .int2, .uint2, .float6e2m3, .float6e3m2, .bool:
            let t = bytes.withUnsafeBytes { src in
                Tensor.make(type, shape, as: UInt8.self) { dst in unpack(src, into: dst, type: type) }
            }
            bytes.dropResidentPages()
            return t
        default:
            if let borrowed = TensorBuffer(borrowing: bytes, alignment: size), n > 0 {
                return Tensor(dtype: type, shape: shape, buffer: borrowed)
            }
            let buf = TensorBuffer(byteCount: n * size)
            bytes.withUnsafeBytes { src in
                if let s = src.baseAddress, n > 0 { buf.base.copyMemory(from: s, byteCount: min(src.count, n * size)) }
            }
            // Unaligned in the mapped file: the copy is what runs use, so the file's pages need
            // not stay resident as well (weights would otherwise count twice).
            bytes.dropResidentPages()
            return Tensor(dtype: type, shape: shape, buffer: buf)
        }
    }

    static func unpack(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableBufferPointer<UInt8>, type: DataType) {
        let n = dst.count
        switch type {
        case .bool:
            for i in 0..<n { dst[i] = i < src.count && src[i] != 0 ? 1 : 0 }
        case .int4, .uint4, .float4e2m1:
            for i in 0..<n {
                let b = i / 2 < src.count ? src[i / 2] : 0
                var v = (i & 1 == 0) ? b & 0x0F : b >> 4
                if type == .int4 && v & 0x08 != 0 { v |= 0xF0 }
                dst[i] = v
            }
        case .int2, .uint2:
            for i in 0..<n {
                let b = i / 4 < src.count ? src[i / 4] : 0
                var v = (b >> UInt8(2 * (i & 3))) & 0x03
                if type == .int2 && v & 0x02 != 0 { v |= 0xFC }
                dst[i] = v
            }
        case .float6e2m3, .float6e3m2:
            for i in 0..<n {
                let bit = i * 6
                let byte = bit / 8, shift = bit % 8
                var w = UInt16(byte < src.count ? src[byte] : 0)
                if byte + 1 < src.count { w |= UInt16(src[byte + 1]) << 8 }
                dst[i] = UInt8((w >> UInt16(shift)) & 0x3F)
            }
        default:
            break
        }
    }

    /// The elements as little-endian packed bytes (raw_data layout: sub-byte types packed).
    public func packedBytes() -> [UInt8] {
        precondition(dtype != .string, "string tensors have no packed bytes")
        let raw = UnsafeRawBufferPointer(start: buffer.base, count: count * (dtype.storageSize ?? 0))
        switch dtype {
        case .int4, .uint4, .float4e2m1:
            var out = [UInt8](repeating: 0, count: (count + 1) / 2)
            for i in 0..<count { out[i / 2] |= (raw[i] & 0x0F) << (i & 1 == 0 ? 0 : 4) }
            return out
        case .int2, .uint2:
            var out = [UInt8](repeating: 0, count: (count + 3) / 4)
            for i in 0..<count { out[i / 4] |= (raw[i] & 0x03) << UInt8(2 * (i & 3)) }
            return out
        case .float6e2m3, .float6e3m2:
            var out = [UInt8](repeating: 0, count: (count * 6 + 7) / 8)
            for i in 0..<count {
                let bit = i * 6, byte = bit / 8, shift = bit % 8
                let w = UInt16(raw[i] & 0x3F) << UInt16(shift)
                out[byte] |= UInt8(w & 0xFF)
                if byte + 1 < out.count { out[byte + 1] |= UInt8(w >> 8) }
            }
            return out
        default:
            return Array(raw)
        }
    }

    /// A `TensorProto` holding this tensor (raw_data, or string_data for strings).
    public func tensorData(name: String = "") -> TensorData {
        var d = TensorData()
        d.name = name
        d.elemType = dtype.rawValue
        d.dims = shape.map { Int64($0) }
        if dtype == .string {
            d.payload = .strings(strings.map { Array($0.utf8) })
        } else {
            d.payload = count == 0 ? .none : .raw(ByteView(packedBytes()))
        }
        return d
    }
}

extension Value {
    /// A runtime value from test data (`.pb` files) or attribute values.
    public init(data: DataValue) throws(KernelError) {
        switch data {
        case let .tensor(t):
            self = .tensor(try Tensor(data: t))
        case let .sparseTensor(s):
            self = .tensor(try Tensor.densify(s))
        case let .sequence(elemType, items):
            var out: [Value] = []
            for i in items { out.append(try Value(data: i)) }
            let t: DataType? = items.isEmpty ? nil : (out.first?.tensor?.dtype)
            _ = elemType
            self = .sequence(SequenceValue(out, elementType: t))
        case let .map(keyType, intKeys, stringKeys, values):
            let keys: Tensor
            if keyType == DataType.string.rawValue || (!stringKeys.isEmpty && intKeys.isEmpty) {
                keys = Tensor(strings: stringKeys.map { String(decoding: $0, as: UTF8.self) }, shape: [stringKeys.count])
            } else {
                let kt = DataType(rawValue: keyType) ?? .int64
                let k = Tensor(shape: [intKeys.count], intKeys)
                keys = kt == .int64 ? k : (try Cast.convert(k, to: kt))
            }
            var vals: [Value] = []
            if let values {
                if case let .sequence(s) = try Value(data: values) { vals = s.elements }
            }
            self = .map(MapValue(keys: keys, values: vals))
        case let .optional(_, v):
            if let v { self = .optional(try Value(data: v)) } else { self = .optional(nil) }
        }
    }

    /// The value as test data (for `.pb` export).
    public var dataValue: DataValue {
        switch self {
        case let .tensor(t): return .tensor(t.tensorData())
        case let .sequence(s):
            let code: Int32 = s.elements.first.map {
                switch $0 { case .tensor: return 1; case .sequence: return 3; case .map: return 4; case .optional: return 5 }
            } ?? 1
            return .sequence(elemType: code, s.elements.map(\.dataValue))
        case let .map(m):
            let values = DataValue.sequence(elemType: 1, m.values.map(\.dataValue))
            if m.keys.dtype == .string {
                return .map(keyType: DataType.string.rawValue, intKeys: [], stringKeys: m.keys.strings.map { Array($0.utf8) }, values: values)
            }
            let ints = (0..<m.keys.count).map { Int64(m.keys.doubleValue(at: $0)) }
            return .map(keyType: m.keys.dtype.rawValue, intKeys: ints, stringKeys: [], values: values)
        case let .optional(v):
            guard let v else { return .optional(elemType: 0, nil) }
            let code: Int32
            switch v { case .tensor: code = 1; case .sequence: code = 3; case .map: code = 4; case .optional: code = 5 }
            return .optional(elemType: code, v.dataValue)
        }
    }
}

extension Tensor {
    /// A dense tensor from a `SparseTensorProto` (COO indices, flat [NNZ] or [NNZ, rank]).
    public static func densify(_ s: SparseTensorData) throws(KernelError) -> Tensor {
        let values = try Tensor(data: s.values)
        let shape = s.dims.map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("sparse tensor has a negative dimension") }
        let indices = try Tensor(data: s.indices).intValues()
        let nnz = values.count
        let rank = shape.count
        var flat: [Int] = []
        if indices.count == nnz {
            flat = indices
        } else if indices.count == nnz * rank {
            for i in 0..<nnz {
                var f = 0
                for d in 0..<rank { f = f * shape[d] + indices[i * rank + d] }
                flat.append(f)
            }
        } else {
            throw KernelError("sparse tensor indices have \(indices.count) entries for \(nnz) values")
        }
        let total = Tensor.elementCount(shape)
        guard flat.allSatisfy({ $0 >= 0 && $0 < total }) else { throw KernelError("sparse tensor index out of range") }
        let dense = Tensor.zeros(values.dtype, shape)
        if values.dtype == .string {
            var s = dense.strings
            for (i, f) in flat.enumerated() { s[f] = values.strings[i] }
            return Tensor(strings: s, shape: shape)
        }
        let size = values.dtype.storageSize ?? 1
        for (i, f) in flat.enumerated() {
            (dense.buffer.base + f * size).copyMemory(from: values.buffer.base + i * size, byteCount: size)
        }
        return dense
    }
}

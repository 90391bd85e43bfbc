import Testing
import OnnxModel
import TestSupport

/// Every data type decodes from raw_data and from its typed field to the same canonical bytes,
/// after a trip through the file format.
struct TensorDecodingTests {
    /// Encodes `t` as a model initializer, loads it back from a file, returns the loaded tensor.
    func roundTrip(_ t: TensorData) throws -> TensorData {
        let dir = TempDir()
        var m = Fixtures.model(nodes: [], inputs: [], outputs: [])
        m.graph.initializers = [t]
        let path = dir.write("m.onnx", model: m)
        return try ModelLoader.load(path: path).graph.initializers[0]
    }

    func le(_ values: [UInt64], bytes: Int) -> [UInt8] {
        values.flatMap { v in (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    }

    static let fixedWidth: [DataType] = DataType.allCases.filter { $0 != .undefined && $0 != .string }

    @Test(arguments: fixedWidth)
    func rawDataRoundTripsForEveryType(_ type: DataType) throws {
        let count = 7
        let n = type.byteCount(elements: count)!
        let raw = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let loaded = try roundTrip(TensorData(name: "t", type: type, dims: [7], raw: raw))
        #expect(loaded.dataType == type)
        #expect(try loaded.canonicalBytes().bytes == raw)
        guard case .raw = loaded.payload else { Issue.record("payload not raw"); return }
    }

    @Test func rawDataIsAViewIntoTheMappedFileNotACopy() throws {
        let dir = TempDir()
        var m = Fixtures.model(nodes: [], inputs: [], outputs: [])
        m.graph.initializers = [Fixtures.floats("w", [1024], [Float](repeating: 0.5, count: 1024))]
        let path = dir.write("m.onnx", model: m)
        let t = try ModelLoader.load(path: path).graph.initializers[0]
        guard case let .raw(view) = t.payload else { Issue.record("not raw"); return }
        #expect(view.owner is MappedFile)
        #expect(view.count == 4096)
    }

    func typed(_ type: DataType, _ kind: TypedField.Kind, packed: [UInt64], dims: [Int64]) -> TensorData {
        var t = TensorData()
        t.name = "t"
        t.elemType = type.rawValue
        t.dims = dims
        var body: [UInt8] = []
        switch kind {
        case .float: body = le(packed, bytes: 4)
        case .double: body = le(packed, bytes: 8)
        default:
            for v in packed {
                var x = v
                while x >= 0x80 { body.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
                body.append(UInt8(x))
            }
        }
        t.payload = .typed(TypedField(kind: kind, packed: [ByteView(body)]))
        return t
    }

    struct Case: Sendable, CustomStringConvertible {
        var type: DataType
        var kind: TypedField.Kind
        var values: [UInt64]
        var dims: [Int64]
        var expected: [UInt8]
        var description: String { "\(type.name) from \(kind.protoName)" }
    }

    static let cases: [Case] = [
        Case(type: .float, kind: .float, values: [Float(1.5).bitPattern, Float(-2).bitPattern].map(UInt64.init), dims: [2],
             expected: [0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0]),
        Case(type: .complex64, kind: .float, values: [Float(1).bitPattern, Float(2).bitPattern].map(UInt64.init), dims: [1],
             expected: [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
        Case(type: .double, kind: .double, values: [Double(1).bitPattern], dims: [1], expected: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]),
        Case(type: .complex128, kind: .double, values: [Double(1).bitPattern, 0], dims: [1],
             expected: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0]),
        Case(type: .int64, kind: .int64, values: [UInt64(bitPattern: -2), 300], dims: [2],
             expected: [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x2c, 1, 0, 0, 0, 0, 0, 0]),
        Case(type: .uint64, kind: .uint64, values: [UInt64.max], dims: [1], expected: [UInt8](repeating: 0xff, count: 8)),
        Case(type: .uint32, kind: .uint64, values: [0xdeadbeef], dims: [1], expected: [0xef, 0xbe, 0xad, 0xde]),
        Case(type: .int32, kind: .int32, values: [UInt64(bitPattern: -1), 5], dims: [2], expected: [0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0]),
        Case(type: .int16, kind: .int32, values: [UInt64(bitPattern: -2)], dims: [1], expected: [0xfe, 0xff]),
        Case(type: .uint16, kind: .int32, values: [0xbeef], dims: [1], expected: [0xef, 0xbe]),
        Case(type: .float16, kind: .int32, values: [0x3c00, 0xc000], dims: [2], expected: [0x00, 0x3c, 0x00, 0xc0]),
        Case(type: .bfloat16, kind: .int32, values: [0x3f80], dims: [1], expected: [0x80, 0x3f]),
        Case(type: .int8, kind: .int32, values: [UInt64(bitPattern: -128), 127], dims: [2], expected: [0x80, 0x7f]),
        Case(type: .uint8, kind: .int32, values: [255, 0], dims: [2], expected: [255, 0]),
        Case(type: .bool, kind: .int32, values: [1, 0, 1], dims: [3], expected: [1, 0, 1]),
        Case(type: .float8e4m3fn, kind: .int32, values: [0x38], dims: [1], expected: [0x38]),
        Case(type: .float8e4m3fnuz, kind: .int32, values: [0x40], dims: [1], expected: [0x40]),
        Case(type: .float8e5m2, kind: .int32, values: [0x3c], dims: [1], expected: [0x3c]),
        Case(type: .float8e5m2fnuz, kind: .int32, values: [0x40], dims: [1], expected: [0x40]),
        Case(type: .float8e8m0, kind: .int32, values: [0x7f], dims: [1], expected: [0x7f]),
        // 4-bit types: each int32_data entry carries two elements, low nibble first.
        Case(type: .int4, kind: .int32, values: [0x21, 0x0f], dims: [3], expected: [0x21, 0x0f]),
        Case(type: .uint4, kind: .int32, values: [0xf0], dims: [2], expected: [0xf0]),
        Case(type: .float4e2m1, kind: .int32, values: [0x12], dims: [2], expected: [0x12]),
        // 2-bit types: four elements per entry.
        Case(type: .int2, kind: .int32, values: [0b11_10_01_00], dims: [4], expected: [0b11_10_01_00]),
        Case(type: .uint2, kind: .int32, values: [0b01, 0b10], dims: [5], expected: [0b01, 0b10]),
        // 6-bit floats: one element per entry, repacked as a 24-bit LSB-first stream.
        Case(type: .float6e2m3, kind: .int32, values: [0x3f, 0x01, 0x00, 0x20], dims: [4], expected: [0x7f, 0x00, 0x80]),
        Case(type: .float6e3m2, kind: .int32, values: [0x01], dims: [1], expected: [0x01]),
    ]

    @Test(arguments: cases)
    func typedFieldsDecodeToCanonicalBytes(_ c: Case) throws {
        let loaded = try roundTrip(typed(c.type, c.kind, packed: c.values, dims: c.dims))
        #expect(try loaded.canonicalBytes().bytes == c.expected)
    }

    @Test func largePackedFieldsAreLiftedAndDecoded() throws {
        let values = (0..<1000).map { UInt64(bitPattern: Int64($0 * 7919 - 500_000)) }
        let loaded = try roundTrip(typed(.int64, .int64, packed: values, dims: [1000]))
        guard case let .typed(f) = loaded.payload else { Issue.record("not typed"); return }
        #expect(f.packed.first?.owner is MappedFile)
        #expect(try loaded.canonicalBytes().bytes == le(values, bytes: 8))
        let floats = (0..<100).map { UInt64(Float($0).bitPattern) }
        let lf = try roundTrip(typed(.float, .float, packed: floats, dims: [10, 10]))
        #expect(try lf.canonicalBytes().bytes == le(floats, bytes: 4))
    }

    @Test func unpackedTypedFieldsDecodeToo() throws {
        var t = TensorData()
        t.elemType = DataType.int64.rawValue
        t.dims = [3]
        t.payload = .typed(TypedField(kind: .int64, loose: [1, 2, UInt64(bitPattern: -3)]))
        let loaded = try roundTrip(t)
        #expect(try loaded.canonicalBytes().bytes == le([1, 2, UInt64(bitPattern: -3)], bytes: 8))
    }

    @Test func stringTensors() throws {
        var t = TensorData()
        t.name = "s"
        t.elemType = DataType.string.rawValue
        t.dims = [2]
        t.payload = .strings([Array("héllo".utf8), []])
        let loaded = try roundTrip(t)
        #expect(try loaded.stringValues() == [Array("héllo".utf8), []])
    }

    @Test func wrongRawLengthIsReportedWithBothSizes() throws {
        let loaded = try roundTrip(TensorData(name: "w", type: .float, dims: [3], raw: [0, 0, 0, 0]))
        #expect(throws: LoadError.self) { try loaded.canonicalBytes() }
        do { _ = try loaded.canonicalBytes() } catch { #expect(error.message.contains("4 bytes") && error.message.contains("needs 12")) }
    }

    @Test func wrongTypedCountIsReported() throws {
        let loaded = try roundTrip(typed(.float, .float, packed: [0], dims: [2]))
        #expect(throws: LoadError.self) { try loaded.canonicalBytes() }
    }

    @Test func overflowingElementCountIsReported() throws {
        let t = TensorData(name: "big", type: .float, dims: [Int64.max, 4], raw: [])
        #expect(t.elementCount == nil)
        #expect(throws: LoadError.self) { try t.canonicalBytes() }
    }

    @Test func zeroSizedTensorHasNoBytes() throws {
        let loaded = try roundTrip(TensorData(name: "e", type: .float, dims: [0, 5], raw: []))
        #expect(try loaded.canonicalBytes().count == 0)
    }
}

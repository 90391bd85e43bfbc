import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct FloatFormatTests {
    struct F8: Sendable, CustomTestStringConvertible {
        var type: DataType
        var value: Float
        var saturate: Bool
        var code: UInt8
        var testDescription: String { "\(type.name) \(value) sat=\(saturate)" }
    }

    /// Codes checked against ml_dtypes (what the ONNX reference uses).
    static let encodings: [F8] = [
        F8(type: .float8e4m3fn, value: 448, saturate: true, code: 0x7E),
        F8(type: .float8e4m3fn, value: 464, saturate: false, code: 0x7E),
        F8(type: .float8e4m3fn, value: 465, saturate: false, code: 0x7F),
        F8(type: .float8e4m3fn, value: 1e6, saturate: true, code: 0x7E),
        F8(type: .float8e4m3fn, value: -.infinity, saturate: false, code: 0xFF),
        F8(type: .float8e4m3fn, value: -1e-9, saturate: true, code: 0x80),
        F8(type: .float8e4m3fnuz, value: .nan, saturate: true, code: 0x80),
        F8(type: .float8e4m3fnuz, value: -0.0, saturate: true, code: 0x00),
        F8(type: .float8e4m3fnuz, value: 248, saturate: false, code: 0x80),
        F8(type: .float8e5m2, value: .infinity, saturate: false, code: 0x7C),
        F8(type: .float8e5m2, value: .infinity, saturate: true, code: 0x7B),
        F8(type: .float8e5m2, value: .nan, saturate: true, code: 0x7E),
        F8(type: .float8e5m2fnuz, value: 1e9, saturate: false, code: 0x80),
        F8(type: .float4e2m1, value: 9, saturate: false, code: 0x7),
        F8(type: .float4e2m1, value: 0.25, saturate: false, code: 0x0),
        F8(type: .float4e2m1, value: -3.5, saturate: false, code: 0xE),
        F8(type: .float8e4m3fn, value: 0.47892547, saturate: true, code: 0x2F),
    ]

    @Test(arguments: encodings) func encode(_ c: F8) {
        #expect(FloatFormats.encode(c.value, c.type, saturate: c.saturate) == c.code)
    }

    @Test func decodeRoundTrips() {
        for t in [DataType.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz] {
            for code in 0...255 {
                let v = FloatFormats.decode(UInt8(code), t)
                if v.isNaN || v.isInfinite { continue }
                let back = FloatFormats.encode(v, t, saturate: false)
                #expect(FloatFormats.decode(back, t) == v, "\(t.name) code \(code)")
            }
        }
        #expect(FloatFormats.decode(0x7F, .float8e8m0) == 1)
        #expect(FloatFormats.decode(0xFF, .float8e8m0).isNaN)
    }

    @Test func bfloat16RoundsToNearestEven() {
        #expect(FloatFormats.floatToBFloat16(1) == 0x3F80)
        #expect(FloatFormats.floatToBFloat16(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie to even
        #expect(FloatFormats.floatToBFloat16(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
        #expect(FloatFormats.bfloat16ToFloat(FloatFormats.floatToBFloat16(.nan)).isNaN)
    }
}

@Suite struct CastTests {
    static let cases: [OpCase] = [
        OpCase("float to int truncates", "Cast", [int("to", 6)], [f32([3], [1.9, -1.9, 0])], [i32([3], [1, -1, 0])]),
        OpCase("int to bool", "Cast", [int("to", 9)], [i64([2], [0, 5])], [bools([2], [false, true])]),
        OpCase("int wraps", "Cast", [int("to", 3)], [i32([1], [200])], [Tensor(shape: [1], [Int8(-56)])]),
        OpCase("float to string", "Cast", [int("to", 8)], [f32([2], [0.5, 1e6])], [strs([2], ["0.5", "1000000.0"])]),
        OpCase("string to float", "Cast", [int("to", 1)], [strs([2], ["1.5", "-inf"])], [f32([2], [1.5, -.infinity])]),
        OpCase("to float16", "Cast", [int("to", 10)], [f32([1], [0.1])], [f16([1], [0.1])]),
        OpCase("to int4 wraps", "Cast", opset: 21, [int("to", 22)], [f32([3], [-9, 7, 8])],
               [Tensor(dtype: .int4, shape: [3], [Int8(7), Int8(7), Int8(-8)])]),
        OpCase("castlike", "CastLike", [f32([1], [2.5]), i64([1], [0])], [i64([1], [2])]),
        OpCase("empty", "Cast", [int("to", 11)], [f32([0, 2], [])], [f64([0, 2], [])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }

    @Test func float8RoundTripThroughCast() throws {
        let x = f32([4], [0.5, 448, -2, 1000])
        let f8 = try Cast.convert(x, to: .float8e4m3fn, saturate: true)
        let back = try Cast.convert(f8, to: .float)
        assertClose(back, f32([4], [0.5, 448, -2, 448]))
    }
}

@Suite struct TensorIOTests {
    @Test func npyRoundTrip() throws {
        for t in [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([], [7]), bools([3], [true, false, true]), strs([2], ["ab", "ü"]),
                  f16([1], [1.5]), f32([0, 4], [])] {
            let back = try Npy.decode(try Npy.encode(t))
            assertClose(back, t)
        }
        // Types numpy lacks are stored as float32 (bfloat16) and int8 (int4).
        let bf = try Cast.convert(f32([1], [2]), to: .bfloat16)
        #expect(try Npy.decode(try Npy.encode(bf)).dtype == .float)
        let header = try Npy.encode(f32([2], [1, 2]))
        #expect(Array(header[0..<6]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])
        #expect((10 + Int(header[8])) % 64 == 0)
    }

    @Test func npyRejectsGarbage() {
        #expect(throws: Npy.Failure.self) { try Npy.decode([1, 2, 3]) }
        var bad = try! Npy.encode(f32([4], [1, 2, 3, 4]))
        bad.removeLast(8)
        #expect(throws: Npy.Failure.self) { try Npy.decode(bad) }
    }

    @Test func tensorDataRoundTripPacksSubByteTypes() throws {
        let t = Tensor(dtype: .int4, shape: [3], [Int8(-1), Int8(7), Int8(-8)])
        let d = t.tensorData(name: "q")
        if case let .raw(v) = d.payload { #expect(v.bytes == [0x7F, 0x08]) } else { Issue.record("expected raw data") }
        let back = try Tensor(data: d)
        #expect(back.elements(as: Int8.self) == [-1, 7, -8])
    }

    @Test func statsCountNaNAndInf() {
        let s = TensorStats(f32([5], [1, .nan, -.infinity, 3, .nan]))
        #expect(s.nanCount == 2 && s.infCount == 1)
        #expect(s.firstNaN == 1 && s.firstInf == 2)
        #expect(s.min == 1 && s.max == 3 && s.mean == 2)
    }

    @Test func nonFiniteScanFindsEveryNaNAndInfinity() {
        // Finite extremes must not count: the largest magnitude, subnormals, negative zero.
        let finite: [Float] = [Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude, Float.leastNonzeroMagnitude, -0.0, 1, -2.5]
        let specials: [Float] = [.nan, .infinity, -.infinity, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC0_0000)]
        for level in 0...2 {
            withInstructionSetLevel(level) {
                for n in [1, 15, 16, 17, 4095, 4096, 4097, 10_000] {
                    let base = (0..<n).map { finite[$0 % finite.count] }
                    #expect(!f32([n], base).hasNonFinite, "n \(n) level \(level)")
                    #expect(!Tensor(shape: [n], base.map(Double.init)).hasNonFinite)
                    for at in Set([0, n / 2, n - 1]) {
                        for sp in specials {
                            var v = base
                            v[at] = sp
                            #expect(f32([n], v).hasNonFinite, "n \(n) at \(at) \(sp.bitPattern) level \(level)")
                            #expect(Tensor(shape: [n], v.map(Double.init)).hasNonFinite, "double n \(n) at \(at)")
                        }
                    }
                }
            }
        }
        func raw16(_ dtype: DataType, _ bits: [UInt16]) -> Tensor {
            Tensor.make(dtype, [bits.count], as: UInt16.self) { p in for (i, b) in bits.enumerated() { p[i] = b } }
        }
        // float16: 0x7BFF is the largest finite, 0x7C00 infinity, 0x7E00 NaN; bfloat16: 0x7F7F, 0x7F80, 0x7FC0.
        #expect(!raw16(.float16, [0x7BFF, 0xFBFF, 0x0001, 0x8000]).hasNonFinite)
        #expect(raw16(.float16, [0x3C00, 0xFC00]).hasNonFinite && raw16(.float16, [0x7E00]).hasNonFinite)
        #expect(!raw16(.bfloat16, [0x7F7F, 0xFF7F, 0x0001]).hasNonFinite)
        #expect(raw16(.bfloat16, [0x3F80, 0x7F80]).hasNonFinite && raw16(.bfloat16, [0xFFC0]).hasNonFinite)
        // float8 e4m3fn has no infinity; 0x7F is NaN, 0x7E (448) the largest finite.
        let e4 = { (b: [UInt8]) in Tensor.make(.float8e4m3fn, [b.count], as: UInt8.self) { p in for (i, x) in b.enumerated() { p[i] = x } } }
        #expect(!e4([0x7E, 0xFE, 0x01]).hasNonFinite)
        #expect(e4([0x38, 0x7F]).hasNonFinite)
        #expect(!Tensor(shape: [3], [Int32(1), 2, 3]).hasNonFinite)
        #expect(!f32([0], []).hasNonFinite)
    }

    @Test func registryResolvesLargestSinceVersion() {
        guard case let .found(since, _) = OpRegistry.standard.resolve(domain: "ai.onnx", opType: "Softmax", opset: 12) else {
            Issue.record("Softmax not found"); return
        }
        #expect(since == 11)
        if case .unknownOp = OpRegistry.standard.resolve(domain: "", opType: "NoSuchOp", opset: 21) {} else { Issue.record("expected unknownOp") }
        if case .noVersion = OpRegistry.standard.resolve(domain: "", opType: "Trilu", opset: 13) {} else { Issue.record("expected noVersion") }
    }
}

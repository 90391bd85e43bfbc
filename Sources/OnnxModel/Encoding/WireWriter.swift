/// Minimal protobuf wire-format writer, used to save models and tensors (exports, test fixtures).
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func tag(_ field: Int, _ wire: UInt64) { appendVarint(UInt64(field) << 3 | wire, &bytes) }

    mutating func varint(_ field: Int, _ v: UInt64) { tag(field, 0); appendVarint(v, &bytes) }
    mutating func int(_ field: Int, _ v: Int64) { varint(field, UInt64(bitPattern: v)) }
    mutating func int32(_ field: Int, _ v: Int32) { varint(field, UInt64(bitPattern: Int64(v))) }

    mutating func float(_ field: Int, _ v: Float) {
        tag(field, 5)
        let b = v.bitPattern
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(i)))) }
    }

    mutating func data(_ field: Int, _ d: [UInt8]) {
        tag(field, 2)
        appendVarint(UInt64(d.count), &bytes)
        bytes.append(contentsOf: d)
    }

    mutating func data(_ field: Int, _ v: ByteView) {
        tag(field, 2)
        appendVarint(UInt64(v.count), &bytes)
        v.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ field: Int, _ s: String) { if !s.isEmpty { data(field, Array(s.utf8)) } }

    mutating func message(_ field: Int, _ build: (inout WireWriter) -> Void) {
        var sub = WireWriter()
        build(&sub)
        data(field, sub.bytes)
    }

    mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var body: [UInt8] = []
        for v in values { appendVarint(v, &body) }
        data(field, body)
    }

    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        guard !values.isEmpty else { return }
        var body: [UInt8] = []
        body.reserveCapacity(values.count * 4)
        for v in values { let b = v.bitPattern; for i in 0..<4 { body.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(i)))) } }
        data(field, body)
    }
}

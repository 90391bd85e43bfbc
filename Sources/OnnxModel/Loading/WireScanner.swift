/// A first pass over the protobuf wire format, before protobuf-c sees any byte.
///
/// It (1) validates the framing (tags, lengths, truncation) so malformed files fail with a clear
/// message instead of inside protobuf-c, (2) bounds message nesting, because protobuf-c's unpack
/// recurses and a hostile file could exhaust the stack, and (3) lifts tensor payloads (`raw_data` and
/// packed `*_data` fields) out of the stream: protobuf-c gets only the structural bytes, and each
/// lifted payload is replaced by an unknown field holding an index into `chunks`, so the decoder can
/// give the tensor a view into the mapped file instead of a copy.
struct WireScanner {
    /// Message types whose fields the scanner needs to know.
    enum Msg {
        case model, graph, node, attribute, tensor, sparseTensor, valueInfo, function, trainingInfo
        case typeProto, typeSequence, typeMap, typeOptional
        case sequence, map, optional
        /// A message with bounded nesting and no tensors: framing is checked, bytes copied verbatim.
        case leaf
    }

    /// A payload lifted out of a TensorProto.
    struct Chunk {
        var field: Int
        var start: Int
        var count: Int
    }

    /// Unknown field number that marks a lifted chunk (inside the range protobuf allows, outside
    /// anything ONNX uses).
    static let lazyField: UInt64 = 536_870_000
    /// Message nesting limit. Each subgraph level costs three (attribute, graph, node); real models
    /// nest a handful of subgraphs.
    static let maxDepth = 96

    let base: UnsafePointer<UInt8>
    let size: Int
    let label: String
    private(set) var chunks: [Chunk] = []

    init(bytes: UnsafeRawBufferPointer, label: String) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        size = bytes.count
        self.label = label
    }

    struct Failure: Error { var message: String }

    /// Scans the whole buffer as message `root`; returns the structural bytes for protobuf-c.
    mutating func run(root: Msg) throws(LoadError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(size, 1 << 20))
        do {
            try scan(0, size, root, depth: 0, out: &out)
        } catch {
            throw LoadError(label, error.message)
        }
        return out
    }

    // MARK: - Schema

    /// The message type of a length-delimited field, or nil when the field is not a message.
    static func child(_ m: Msg, _ f: UInt64) -> Msg? {
        switch m {
        case .model:
            switch f { case 7: return .graph; case 20: return .trainingInfo; case 25: return .function
            case 8, 14, 26: return .leaf; default: return nil }
        case .graph:
            switch f { case 1: return .node; case 5: return .tensor; case 15: return .sparseTensor
            case 11, 12, 13: return .valueInfo; case 14, 16: return .leaf; default: return nil }
        case .node:
            switch f { case 5: return .attribute; case 9, 10: return .leaf; default: return nil }
        case .attribute:
            switch f { case 5, 10: return .tensor; case 6, 11: return .graph; case 22, 23: return .sparseTensor
            case 14, 15: return .typeProto; default: return nil }
        case .tensor:
            switch f { case 3, 13, 16: return .leaf; default: return nil }
        case .sparseTensor:
            switch f { case 1, 2: return .tensor; default: return nil }
        case .valueInfo:
            switch f { case 2: return .typeProto; case 4: return .leaf; default: return nil }
        case .function:
            switch f { case 7: return .node; case 11: return .attribute; case 12: return .valueInfo
            case 9, 14: return .leaf; default: return nil }
        case .trainingInfo:
            switch f { case 1, 2: return .graph; case 3, 4: return .leaf; default: return nil }
        case .typeProto:
            switch f { case 1, 7, 8: return .leaf; case 4: return .typeSequence; case 5: return .typeMap
            case 9: return .typeOptional; default: return nil }
        case .typeSequence, .typeOptional:
            return f == 1 ? .typeProto : nil
        case .typeMap:
            return f == 2 ? .typeProto : nil
        case .sequence:
            switch f { case 3: return .tensor; case 4: return .sparseTensor; case 5: return .sequence
            case 6: return .map; case 7: return .optional; default: return nil }
        case .map:
            return f == 5 ? .sequence : nil
        case .optional:
            switch f { case 3: return .tensor; case 4: return .sparseTensor; case 5: return .sequence
            case 6: return .map; case 7: return .optional; default: return nil }
        case .leaf:
            return nil
        }
    }

    /// Whether a message type can (transitively) hold a TensorProto, i.e. may need rewriting.
    static func mayHoldTensors(_ m: Msg) -> Bool {
        switch m {
        case .typeProto, .typeSequence, .typeMap, .typeOptional, .leaf, .valueInfo: return false
        default: return true
        }
    }

    /// TensorProto fields whose payload is lifted: raw_data and the packed typed fields.
    static func isLiftable(_ f: UInt64) -> Bool {
        f == 9 || f == 4 || f == 5 || f == 7 || f == 10 || f == 11
    }

    // MARK: - Scanning

    private func varint(_ pos: inout Int, _ end: Int) throws(Failure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < end else { throw Failure(message: "truncated or not an ONNX protobuf (varint runs past the end at byte \(pos))") }
            let b = base[pos]
            pos += 1
            if shift == 63 && b > 1 { throw Failure(message: "not an ONNX protobuf (varint too long at byte \(pos - 1))") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Failure(message: "not an ONNX protobuf (varint too long at byte \(pos - 1))") }
        }
    }

    /// One field's framing: where it starts, where its tag ends and, for length-delimited fields,
    /// its body. Shared by `scan` and `check` so both reject malformed framing the same way.
    private struct Field {
        var start: Int, afterTag: Int, number: UInt64, wire: UInt64
        var body: Range<Int>?
    }

    /// Reads the field at `pos` and advances `pos` past it; throws on any framing error.
    private func nextField(_ pos: inout Int, _ end: Int) throws(Failure) -> Field {
        let fieldStart = pos
        let tag = try varint(&pos, end)
        var f = Field(start: fieldStart, afterTag: pos, number: tag >> 3, wire: tag & 7, body: nil)
        guard f.number != 0 else { throw Failure(message: "not an ONNX protobuf (field number 0 at byte \(fieldStart))") }
        switch f.wire {
        case 0:
            _ = try varint(&pos, end)
        case 1:
            guard end - pos >= 8 else { throw Failure(message: "truncated file (fixed64 field at byte \(fieldStart) runs past the end)") }
            pos += 8
        case 5:
            guard end - pos >= 4 else { throw Failure(message: "truncated file (fixed32 field at byte \(fieldStart) runs past the end)") }
            pos += 4
        case 2:
            let len = try varint(&pos, end)
            guard len <= UInt64(end - pos) else {
                throw Failure(message: "truncated file (field \(f.number) at byte \(fieldStart) claims \(len) bytes, \(end - pos) remain)")
            }
            f.body = pos..<(pos + Int(len))
            pos += Int(len)
        case 3, 4:
            throw Failure(message: "not an ONNX protobuf (group wire type at byte \(fieldStart))")
        default:
            throw Failure(message: "not an ONNX protobuf (invalid wire type \(f.wire) at byte \(fieldStart))")
        }
        return f
    }

    private mutating func scan(_ start: Int, _ end: Int, _ msg: Msg, depth: Int, out: inout [UInt8]) throws(Failure) {
        guard depth <= WireScanner.maxDepth else {
            throw Failure(message: "messages nested deeper than \(WireScanner.maxDepth) levels (subgraphs or types nested beyond any real model)")
        }
        var pos = start
        while pos < end {
            let f = try nextField(&pos, end)
            if let body = f.body {
                let field = f.number
                if msg == .tensor && field == WireScanner.lazyField {
                    continue // never trust a marker that came from the file itself
                }
                // Small payloads stay inline: lifting them would not save anything, and keeping
                // every marker shorter than the field it replaces lets nested messages be rewritten
                // in place (the new length always fits the old length prefix).
                if msg == .tensor && WireScanner.isLiftable(field) && body.count >= 16 {
                    chunks.append(Chunk(field: Int(field), start: body.lowerBound, count: body.count))
                    appendVarint(WireScanner.lazyField << 3 | 2, &out)
                    var idx: [UInt8] = []
                    appendVarint(UInt64(chunks.count - 1), &idx)
                    appendVarint(UInt64(idx.count), &out)
                    out.append(contentsOf: idx)
                    continue
                }
                if let child = WireScanner.child(msg, field) {
                    if WireScanner.mayHoldTensors(child) {
                        append(f.start, f.afterTag, &out)         // the tag, as in the file
                        let width = body.lowerBound - f.afterTag  // the length prefix's width in the file
                        let lenPos = out.count
                        out.append(contentsOf: repeatElement(0, count: width))
                        let bodyStart = out.count
                        try scan(body.lowerBound, body.upperBound, child, depth: depth + 1, out: &out)
                        writePaddedVarint(UInt64(out.count - bodyStart), width: width, at: lenPos, &out)
                        continue
                    }
                    try check(body.lowerBound, body.upperBound, child, depth: depth + 1)
                }
            }
            append(f.start, pos, &out)
        }
    }

    /// Checks framing and depth of a message that holds no tensors (nothing is rewritten).
    private func check(_ start: Int, _ end: Int, _ msg: Msg, depth: Int) throws(Failure) {
        guard depth <= WireScanner.maxDepth else {
            throw Failure(message: "messages nested deeper than \(WireScanner.maxDepth) levels (subgraphs or types nested beyond any real model)")
        }
        var pos = start
        while pos < end {
            let f = try nextField(&pos, end)
            if let body = f.body, let child = WireScanner.child(msg, f.number) {
                try check(body.lowerBound, body.upperBound, child, depth: depth + 1)
            }
        }
    }

    private func append(_ from: Int, _ to: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: to - from))
    }
}

func appendVarint(_ v: UInt64, _ out: inout [UInt8]) {
    var v = v
    while v >= 0x80 {
        out.append(UInt8(v & 0x7f) | 0x80)
        v >>= 7
    }
    out.append(UInt8(v))
}

/// Writes `v` as a varint of exactly `width` bytes (protobuf accepts redundant continuation bytes).
func writePaddedVarint(_ v: UInt64, width: Int, at pos: Int, _ out: inout [UInt8]) {
    var v = v
    for i in 0..<width {
        var b = UInt8(v & 0x7f)
        v >>= 7
        if i < width - 1 { b |= 0x80 }
        out[pos + i] = b
    }
}

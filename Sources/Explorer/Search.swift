#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import OnnxModel

/// A POSIX extended regular expression (fast on large graphs, no Foundation). Case-insensitive
/// unless the pattern has an upper-case letter ("smart case").
public final class Pattern {
    public let source: String
    private var re = regex_t()
    private var compiled = false

    public struct Invalid: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public init(_ source: String) throws(Invalid) {
        self.source = source
        let ignoreCase = !source.contains { $0.isUppercase }
        let flags = REG_EXTENDED | REG_NEWLINE | (ignoreCase ? REG_ICASE : 0)
        let rc = regcomp(&re, source, flags)
        guard rc == 0 else {
            var buf = [CChar](repeating: 0, count: 256)
            regerror(rc, &re, &buf, buf.count)
            let msg = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            regfree(&re)
            throw Invalid(message: "bad regular expression: \(msg)")
        }
        compiled = true
    }

    deinit { if compiled { regfree(&re) } }

    public func matches(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { buf -> Bool in
            // regexec needs a NUL-terminated string; names never contain NUL in practice, but
            // a NUL would only shorten what is searched.
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: buf.count + 1) { tmp in
                for i in 0..<buf.count { tmp[i] = CChar(bitPattern: buf[i]) }
                tmp[buf.count] = 0
                return regexec(&re, tmp.baseAddress!, 0, nil, 0) == 0
            }
        }
    }

    /// UTF-8 byte ranges of the non-overlapping matches in `s` (snapped to scalar boundaries).
    public func ranges(in s: String) -> [Range<Int>] {
        let bytes = Array(s.utf8)
        var out: [Range<Int>] = []
        var cstr = bytes.map { CChar(bitPattern: $0) }
        cstr.append(0)
        var start = 0
        var m = [regmatch_t](repeating: regmatch_t(), count: 1)
        while start <= bytes.count && out.count < 64 {
            let rc = cstr.withUnsafeBufferPointer { p in
                regexec(&re, p.baseAddress! + start, 1, &m, start > 0 ? REG_NOTBOL : 0)
            }
            guard rc == 0 else { break }
            let so = start + Int(m[0].rm_so), eo = start + Int(m[0].rm_eo)
            var lo = so, hi = eo
            while lo > 0 && lo < bytes.count && bytes[lo] & 0xC0 == 0x80 { lo -= 1 }
            while hi < bytes.count && bytes[hi] & 0xC0 == 0x80 { hi += 1 }
            if hi > lo { out.append(lo..<hi) }
            start = max(hi, so + 1)
            while start < bytes.count && bytes[start] & 0xC0 == 0x80 { start += 1 }
        }
        return out
    }
}

/// Text to search for every node and tensor of the model, built on the first search.
final class SearchIndex {
    struct Entry {
        var kind: ItemKind
        var text: String
    }
    let entries: [Entry]

    init(index: ModelIndex) {
        var out: [Entry] = []
        func addGraph(_ gid: Int) {
            index.ensureIndexed(gid)
            let g = index.graph(gid)
            for (i, v) in g.inputs.enumerated() { out.append(Entry(kind: .input(graph: gid, index: i), text: v.name)) }
            for (i, t) in g.initializers.enumerated() { out.append(Entry(kind: .initializer(graph: gid, index: i), text: t.name)) }
            for (i, n) in g.nodes.enumerated() {
                var t = n.name + "\n" + n.opType + "\n" + n.qualifiedOpType
                for x in n.inputs where !x.isEmpty { t += "\n" + x }
                for x in n.outputs where !x.isEmpty { t += "\n" + x }
                for a in n.attributes {
                    switch a.value {
                    case .int, .float, .string, .ints, .floats, .strings:
                        t += "\n" + a.name + "=" + Fmt.attribute(a.value)
                    default:
                        t += "\n" + a.name
                    }
                }
                out.append(Entry(kind: .node(NodeRef(graph: gid, node: i)), text: t))
                for sub in index.subgraphs(of: NodeRef(graph: gid, node: i)) { addGraph(sub.graph) }
            }
            for (i, v) in g.outputs.enumerated() { out.append(Entry(kind: .output(graph: gid, index: i), text: v.name)) }
        }
        addGraph(0)
        for f in index.model.functions.indices { addGraph(index.functionGraphID(f)) }
        entries = out
    }

    func search(_ p: Pattern) -> [ItemKind] {
        entries.compactMap { p.matches($0.text) ? $0.kind : nil }
    }
}

extension SearchIndex {
    /// Exact-name lookup for `:`: node names first, then tensor names (to their writer).
    static func target(named name: String, index: ModelIndex) -> ItemKind? {
        func find(_ gid: Int) -> ItemKind? {
            index.ensureIndexed(gid)
            let g = index.graph(gid)
            if let i = g.nodes.firstIndex(where: { $0.name == name }) { return .node(NodeRef(graph: gid, node: i)) }
            switch index.source(of: name, in: gid) {
            case let .graphInput(gg, i) where gg == gid: return .input(graph: gg, index: i)
            case let .initializer(gg, i) where gg == gid: return .initializer(graph: gg, index: i)
            case let .node(ref, _) where ref.graph == gid: return .node(ref)
            default: break
            }
            if let o = index.graphOutputIndex(of: name, in: gid) { return .output(graph: gid, index: o) }
            for n in g.nodes.indices {
                for sub in index.subgraphs(of: NodeRef(graph: gid, node: n)) {
                    if let t = find(sub.graph) { return t }
                }
            }
            return nil
        }
        return find(0)
    }
}

/// Unique: the distinct elements (or slices along `axis`), sorted or in order of first
/// appearance, with first-occurrence indices, inverse indices and counts (int64).
public struct Unique: OpKernel {
    public static let sinceVersions = [11, 28]
    let axis: Int?
    let sorted: Bool

    public init(_ node: NodeContext) throws {
        axis = try node.int("axis")
        sorted = try node.int("sorted", default: 1) != 0
    }

    enum Key: Comparable, Hashable {
        case numbers([Double])
        case strings([String])

        static func < (a: Key, b: Key) -> Bool {
            switch (a, b) {
            case let (.numbers(x), .numbers(y)): return x.lexicographicallyPrecedes(y)
            case let (.strings(x), .strings(y)): return x.lexicographicallyPrecedes(y)
            case (.numbers, .strings): return true
            case (.strings, .numbers): return false
            }
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var x = try inputs.tensor(0)
        var a = 0
        if let axis { a = try Shapes.axis(axis, rank: x.rank) } else { x = x.reshaped([x.count]) }
        let n = x.shape[a]
        let outer = Tensor.elementCount(Array(x.shape[0..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        // One key per slice along the axis.
        var keys: [Key] = []
        for j in 0..<n {
            var flat: [Int] = []
            for o in 0..<outer { for i in 0..<inner { flat.append((o * n + j) * inner + i) } }
            if x.dtype == .string {
                keys.append(.strings(flat.map { x.strings[$0] }))
            } else {
                keys.append(.numbers(flat.map { x.doubleValue(at: $0) }))
            }
        }
        var firstIndex: [Key: Int] = [:]
        var order: [Key] = []
        var counts: [Key: Int] = [:]
        for (j, k) in keys.enumerated() {
            if firstIndex[k] == nil { firstIndex[k] = j; order.append(k) }
            counts[k, default: 0] += 1
        }
        if sorted { order.sort() }
        var position: [Key: Int] = [:]
        for (p, k) in order.enumerated() { position[k] = p }
        let picks = order.map { firstIndex[$0]! }
        let y = try Gather.apply(x, Tensor(shape: [picks.count], picks.map { Int64($0) }), axis: a)
        return [.tensor(y),
                .tensor(Tensor(shape: [picks.count], picks.map { Int64($0) })),
                .tensor(Tensor(shape: [n], keys.map { Int64(position[$0]!) })),
                .tensor(Tensor(shape: [picks.count], order.map { Int64(counts[$0]!) }))]
    }
}

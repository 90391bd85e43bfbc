import OnnxModel

/// The explicit operator table: (domain, op type) -> kernel versions. Resolution picks the largest
/// since-version not above the model's opset for that domain.
public struct OpRegistry: Sendable {
    public typealias Factory = @Sendable (NodeContext) throws -> any Kernel

    public struct Entry: Sendable {
        public let since: Int
        let make: Factory
    }

    public struct Key: Hashable, Sendable {
        public var domain: String
        public var opType: String
        public init(_ domain: String, _ opType: String) {
            self.domain = OpsetImport.canonicalDomain(domain)
            self.opType = opType
        }
    }

    private(set) var table: [Key: [Entry]] = [:]

    public init() {}

    /// Registers a kernel type for each of its since-versions.
    public mutating func register<K: OpKernel>(_ k: K.Type) {
        register(domain: K.domain, opType: K.opType, since: K.sinceVersions) { try K($0) }
    }

    public mutating func register(domain: String = "", opType: String, since: [Int], _ make: @escaping Factory) {
        let key = Key(domain, opType)
        var entries = table[key] ?? []
        for s in since {
            entries.removeAll { $0.since == s }
            entries.append(Entry(since: s, make: make))
        }
        table[key] = entries.sorted { $0.since < $1.since }
    }

    /// Drops every kernel version of an op (tests run ops from their schema function bodies this way).
    public mutating func remove(domain: String = "", opType: String) {
        table[Key(domain, opType)] = nil
    }

    /// Run ops that have a schema function body from that body even when a kernel exists
    /// (`onnx-explorer test --function-bodies` checks the bodies this way).
    public var preferFunctionBodies = false

    public enum Resolution {
        case found(since: Int, Factory)
        /// No kernel for this op in this domain.
        case unknownOp
        /// Kernels exist, but none with since-version <= the opset.
        case noVersion(available: [Int])
    }

    public func resolve(domain: String, opType: String, opset: Int) -> Resolution {
        guard let entries = table[Key(domain, opType)], !entries.isEmpty else { return .unknownOp }
        guard let e = entries.last(where: { $0.since <= opset }) else { return .noVersion(available: entries.map(\.since)) }
        return .found(since: e.since, e.make)
    }

    /// Every registered (domain, op type) with its since-versions, sorted.
    public var supportedOps: [(domain: String, opType: String, versions: [Int])] {
        table.map { ($0.key.domain, $0.key.opType, $0.value.map(\.since)) }
            .sorted { ($0.domain, $0.opType) < ($1.domain, $1.opType) }
    }

    /// The standard kernels (default domain and ai.onnx.ml).
    public static let standard: OpRegistry = {
        var r = OpRegistry()
        r.registerStandardKernels()
        return r
    }()
}

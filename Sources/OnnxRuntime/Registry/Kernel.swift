import OnnxModel

/// What a kernel learns about the call at run time.
public struct KernelContext: Sendable {
    /// Number of outputs the node declares (trailing optional outputs may be absent).
    public var outputCount: Int
    /// Names of the node's outputs ("" for unused optional outputs).
    public var outputNames: [String]
    /// Threads the kernel may use.
    public var threads: Int

    public init(outputCount: Int, outputNames: [String] = [], threads: Int = 1) {
        self.outputCount = outputCount
        self.outputNames = outputNames
        self.threads = threads
    }

    /// True when output `i` is consumed (declared with a non-empty name).
    public func wants(_ i: Int) -> Bool { i < outputNames.count ? !outputNames[i].isEmpty : i < outputCount }
}

/// An operator implementation with its attributes already parsed (layer (b) of design.md section 4).
/// `run` receives the node's inputs in order (nil for an absent optional input) and returns its
/// outputs in order.
public protocol Kernel {
    func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value]
}

/// A kernel type that registers itself: named exactly as the op, with the since-versions it
/// implements and an init that parses attributes for the model's opset (layer (c)).
public protocol OpKernel: Kernel, SendableMetatype {
    static var domain: String { get }
    static var opType: String { get }
    /// Schema since-versions this kernel implements (the registry picks the largest <= opset).
    static var sinceVersions: [Int] { get }
    init(_ node: NodeContext) throws
}

extension OpKernel {
    public static var domain: String { "" }
    public static var opType: String { String(describing: Self.self) }
}

/// A node as a kernel's init sees it: attributes with typed accessors and the resolved versions.
public struct NodeContext: Sendable {
    public let node: Node
    /// The opset version the model imports for the node's domain.
    public let opset: Int
    /// The schema since-version the registry resolved for that opset.
    public let sinceVersion: Int

    public init(node: Node, opset: Int, sinceVersion: Int) {
        self.node = node
        self.opset = opset
        self.sinceVersion = sinceVersion
    }

    public var opType: String { node.opType }

    public func has(_ name: String) -> Bool { node.attribute(name) != nil }

    func wrongType(_ name: String, _ want: String, _ a: Attribute) -> KernelError {
        KernelError("attribute '\(name)' must be \(want), got \(a.type.name)")
    }

    public func int(_ name: String) throws(KernelError) -> Int? {
        guard let a = node.attribute(name) else { return nil }
        switch a.value {
        case let .int(v): return Int(truncatingIfNeeded: v)
        default: throw wrongType(name, "an int", a)
        }
    }

    public func int(_ name: String, default d: Int) throws(KernelError) -> Int { try int(name) ?? d }

    public func float(_ name: String) throws(KernelError) -> Float? {
        guard let a = node.attribute(name) else { return nil }
        switch a.value {
        case let .float(v): return v
        case let .int(v): return Float(v)
        default: throw wrongType(name, "a float", a)
        }
    }

    public func float(_ name: String, default d: Float) throws(KernelError) -> Float { try float(name) ?? d }

    public func string(_ name: String) throws(KernelError) -> String? {
        guard let a = node.attribute(name) else { return nil }
        guard let s = a.value.stringValue else { throw wrongType(name, "a string", a) }
        return s
    }

    public func string(_ name: String, default d: String) throws(KernelError) -> String { try string(name) ?? d }

    public func ints(_ name: String) throws(KernelError) -> [Int]? {
        guard let a = node.attribute(name) else { return nil }
        switch a.value {
        case let .ints(v): return v.map { Int(truncatingIfNeeded: $0) }
        case let .int(v): return [Int(truncatingIfNeeded: v)]
        default: throw wrongType(name, "a list of ints", a)
        }
    }

    public func floats(_ name: String) throws(KernelError) -> [Float]? {
        guard let a = node.attribute(name) else { return nil }
        switch a.value {
        case let .floats(v): return v
        case let .float(v): return [v]
        default: throw wrongType(name, "a list of floats", a)
        }
    }

    public func strings(_ name: String) throws(KernelError) -> [String]? {
        guard let a = node.attribute(name) else { return nil }
        guard let s = a.value.stringsValue else { throw wrongType(name, "a list of strings", a) }
        return s
    }

    public func tensor(_ name: String) throws(KernelError) -> Tensor? {
        guard let a = node.attribute(name) else { return nil }
        switch a.value {
        case let .tensor(t): return try Tensor(data: t)
        case let .sparseTensor(s): return try Tensor.densify(s)
        default: throw wrongType(name, "a tensor", a)
        }
    }

    public func graph(_ name: String) throws(KernelError) -> Graph? {
        guard let a = node.attribute(name) else { return nil }
        guard let g = a.value.graphValue else { throw wrongType(name, "a graph", a) }
        return g
    }

    /// A required attribute's value.
    public func required<T>(_ name: String, _ get: (String) throws(KernelError) -> T?) throws(KernelError) -> T {
        guard let v = try get(name) else { throw KernelError("required attribute '\(name)' is missing") }
        return v
    }
}

extension Array where Element == Value? {
    /// Input `i` as a tensor; throws when it is absent or not a tensor.
    public func tensor(_ i: Int) throws(KernelError) -> Tensor {
        guard i < count, let v = self[i] else { throw KernelError("input \(i) is missing") }
        guard case let .tensor(t) = v else { throw KernelError("input \(i) is a \(v.kindText), expected a tensor") }
        return t
    }

    /// Input `i` as a tensor, or nil when absent (or beyond the inputs given).
    public func optionalTensor(_ i: Int) throws(KernelError) -> Tensor? {
        guard i < count, let v = self[i] else { return nil }
        guard case let .tensor(t) = v else { throw KernelError("input \(i) is a \(v.kindText), expected a tensor") }
        return t
    }

    public func value(_ i: Int) throws(KernelError) -> Value {
        guard i < count, let v = self[i] else { throw KernelError("input \(i) is missing") }
        return v
    }
}

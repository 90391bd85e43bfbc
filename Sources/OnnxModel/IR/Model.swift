/// `ModelProto`: the whole model, header fields, the main graph, functions and training info.
public struct Model: Sendable {
    public var irVersion: Int64 = 0
    public var opsetImports: [OpsetImport] = []
    public var producerName = ""
    public var producerVersion = ""
    public var domain = ""
    public var modelVersion: Int64 = 0
    public var docString = ""
    public var graph = Graph()
    public var metadataProps: [StringPair] = []
    public var trainingInfo: [TrainingInfo] = []
    public var functions: [Function] = []
    public var configuration: [DeviceConfiguration] = []
    /// Where the model came from (path, size, folder for external data).
    public var source = ModelSource()
    /// Strings in the file that were not valid UTF-8 (shown with U+FFFD), by location.
    public var nonUTF8Strings: [String] = []

    public init() {}

    /// The opset version imported for `domain` ("" and "ai.onnx" are the same domain).
    public func opsetVersion(for domain: String) -> Int64? {
        let d = OpsetImport.canonicalDomain(domain)
        return opsetImports.last(where: { OpsetImport.canonicalDomain($0.domain) == d })?.version
    }
}

public struct ModelSource: Sendable {
    /// The path as given, or a label such as "<embedded sample>".
    public var path = "<memory>"
    /// Folder that external data locations are relative to; nil for in-memory models.
    public var directory: String?
    public var fileSize = 0
    public var external: ExternalDataStore?
    public init() {}
}

public struct OpsetImport: Sendable, Hashable {
    public var domain: String
    public var version: Int64
    public init(domain: String, version: Int64) {
        self.domain = domain
        self.version = version
    }
    /// "ai.onnx" is an alias of the default domain "".
    public static func canonicalDomain(_ d: String) -> String { d == "ai.onnx" ? "" : d }
}

/// `StringStringEntryProto`. Kept as an ordered list, duplicates included, because the audit reports them.
public struct StringPair: Sendable, Hashable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == StringPair {
    /// The last value for `key` (protobuf map semantics), or nil.
    public subscript(key key: String) -> String? { last(where: { $0.key == key })?.value }
}

/// `TrainingInfoProto`.
public struct TrainingInfo: Sendable {
    public var initialization = Graph()
    public var algorithm = Graph()
    public var initializationBinding: [StringPair] = []
    public var updateBinding: [StringPair] = []
    public init() {}
}

/// `DeviceConfigurationProto`.
public struct DeviceConfiguration: Sendable, Hashable {
    public var name = ""
    public var numDevices: Int32 = 0
    public var device: [String] = []
    public init() {}
}

/// `NodeDeviceConfigurationProto` with its sharding specs.
public struct NodeDeviceConfiguration: Sendable, Hashable {
    public var configurationId = ""
    public var shardingSpec: [ShardingSpec] = []
    public var pipelineStage: Int32?
    public init() {}
}

public struct ShardingSpec: Sendable, Hashable {
    public var tensorName = ""
    public var device: [Int64] = []
    public var indexToDeviceGroupMap: [Int64: [Int64]] = [:]
    public var shardedDim: [ShardedDim] = []
    public init() {}
}

public struct ShardedDim: Sendable, Hashable {
    public var axis: Int64 = 0
    public var simpleSharding: [SimpleShardedDim] = []
    public init() {}
}

public struct SimpleShardedDim: Sendable, Hashable {
    public var dim: Dim.Value = .unknown
    public var numShards: Int64 = 0
    public init() {}
}

/// `TensorAnnotation` (quantization parameters of a tensor).
public struct TensorAnnotation: Sendable, Hashable {
    public var tensorName = ""
    public var quantParameterTensorNames: [StringPair] = []
    public init() {}
}

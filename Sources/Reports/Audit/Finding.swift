/// One audit finding. IDs are stable: scripts and the TUI's provenance screen key on them, and
/// README.md documents each.
public struct Finding: Sendable, Hashable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, info
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }
    public var id: String
    public var severity: Severity
    public var message: String
    /// Where: "model", "graph 'main' node 'conv1'", "initializer 'w'", "external file 'w.bin'".
    public var location: String

    public init(_ id: FindingID, _ message: String, at location: String) {
        self.id = id.rawValue
        self.severity = id.severity
        self.message = message
        self.location = location
    }
}

/// Every finding the audit can report, with its fixed severity.
public enum FindingID: String, Sendable, CaseIterable {
    // Provenance
    case noProducer = "PROV001", noLicense = "PROV002", missingRecommended = "PROV003", noDocString = "PROV004"
    // Structure
    case unsupportedOp = "STRUCT001", customDomain = "STRUCT002", hasFunctions = "STRUCT003", hasTrainingInfo = "STRUCT004"
    case unusedInitializer = "STRUCT005", deadNode = "STRUCT006", shadowedInput = "STRUCT007", invalidGraph = "STRUCT008"
    case newerThanSupported = "STRUCT009"
    // External data and tensor integrity
    case absoluteLocation = "EXT001", parentLocation = "EXT002", symbolicLink = "EXT003", hardLink = "EXT004"
    case missingFile = "EXT005", outOfBounds = "EXT006", lengthMismatch = "EXT007", overlap = "EXT008"
    case checksumMismatch = "EXT009", checksumVerified = "EXT010", lfsPointer = "EXT011", externalUnreadable = "EXT012"
    case rawDataLength = "DATA001"
    // Hygiene
    case controlCharacters = "HYG001", oversizedDocString = "HYG002", duplicateMetadataKey = "HYG003", nonUTF8 = "HYG004"

    public var severity: Finding.Severity {
        switch self {
        case .noProducer, .missingRecommended, .noDocString, .hasFunctions, .hasTrainingInfo, .checksumVerified: return .info
        case .noLicense, .customDomain, .unusedInitializer, .deadNode, .shadowedInput, .newerThanSupported,
             .controlCharacters, .oversizedDocString, .duplicateMetadataKey, .nonUTF8: return .warning
        case .unsupportedOp, .invalidGraph, .absoluteLocation, .parentLocation, .symbolicLink, .hardLink, .missingFile,
             .outOfBounds, .lengthMismatch, .overlap, .checksumMismatch, .lfsPointer, .externalUnreadable, .rawDataLength: return .error
        }
    }

    /// One line for the README and `audit --help`.
    public var summary: String {
        switch self {
        case .noProducer: return "producer_name is empty: the exporter is unknown"
        case .noLicense: return "no licence in metadata_props (license, licence, license_name)"
        case .missingRecommended: return "recommended provenance keys missing (author, source, dataset, created, version, commit)"
        case .noDocString: return "the model has no doc_string"
        case .unsupportedOp: return "an op (at the model's opset) that the embedded interpreter cannot run"
        case .customDomain: return "an op in a custom (non-ONNX) domain"
        case .hasFunctions: return "model-local functions are defined"
        case .hasTrainingInfo: return "training_info is present (training algorithm graphs)"
        case .unusedInitializer: return "an initializer no node, subgraph or output uses"
        case .deadNode: return "a node none of whose outputs reach a graph output"
        case .shadowedInput: return "a graph input that an initializer of the same name shadows (a default value)"
        case .invalidGraph: return "the graph is invalid: cycle, undefined input, duplicate output, missing opset import"
        case .newerThanSupported: return "IR or opset version newer than this build knows (IR 14, ai.onnx 28, ai.onnx.ml 5)"
        case .absoluteLocation: return "external data location is an absolute path"
        case .parentLocation: return "external data location contains '..'"
        case .symbolicLink: return "external data path goes through a symbolic link"
        case .hardLink: return "external data file has more than one hard link"
        case .missingFile: return "external data file is missing"
        case .outOfBounds: return "external data offset/length lie outside the file"
        case .lengthMismatch: return "external data length differs from element count x element size"
        case .overlap: return "two tensors' external data ranges overlap"
        case .checksumMismatch: return "the external data file's SHA-1 differs from the 'checksum' key"
        case .checksumVerified: return "the 'checksum' key was verified"
        case .lfsPointer: return "external data file is a Git LFS pointer, not the data"
        case .externalUnreadable: return "external data cannot be read (bad offset/length text, not a regular file, I/O error)"
        case .rawDataLength: return "embedded tensor data length disagrees with dtype x shape"
        case .controlCharacters: return "a string holds control characters or terminal escape sequences"
        case .oversizedDocString: return "a doc string larger than 64 KiB"
        case .duplicateMetadataKey: return "a metadata key appears more than once at one level"
        case .nonUTF8: return "a string is not valid UTF-8"
        }
    }
}

/// `AttributeProto.AttributeType`; `rawValue` is the proto code.
public enum AttributeType: Int32, Sendable, CaseIterable {
    case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5
    case floats = 6, ints = 7, strings = 8, tensors = 9, graphs = 10
    case sparseTensor = 11, sparseTensors = 12, typeProto = 13, typeProtos = 14

    public var name: String {
        switch self {
        case .undefined: return "undefined"
        case .float: return "float"
        case .int: return "int"
        case .string: return "string"
        case .tensor: return "tensor"
        case .graph: return "graph"
        case .floats: return "floats"
        case .ints: return "ints"
        case .strings: return "strings"
        case .tensors: return "tensors"
        case .graphs: return "graphs"
        case .sparseTensor: return "sparse_tensor"
        case .sparseTensors: return "sparse_tensors"
        case .typeProto: return "type_proto"
        case .typeProtos: return "type_protos"
        }
    }
}

/// `AttributeProto`: a named, typed attribute value, or in a function body a reference to one
/// of the function's attributes (`refAttrName`).
public struct Attribute: Sendable {
    public var name: String
    public var refAttrName = ""
    public var docString = ""
    public var value: AttributeValue

    public init(_ name: String, _ value: AttributeValue, refAttrName: String = "") {
        self.name = name
        self.value = value
        self.refAttrName = refAttrName
    }

    public var type: AttributeType { value.type }
}

/// The payload of an attribute, one case per `AttributeType`. Strings are bytes as in the proto.
public enum AttributeValue: Sendable {
    case undefined
    case float(Float)
    case int(Int64)
    case string([UInt8])
    case tensor(TensorData)
    case graph(Graph)
    case sparseTensor(SparseTensorData)
    case typeProto(TypeInfo)
    case floats([Float])
    case ints([Int64])
    case strings([[UInt8]])
    case tensors([TensorData])
    case graphs([Graph])
    case sparseTensors([SparseTensorData])
    case typeProtos([TypeInfo])

    public var type: AttributeType {
        switch self {
        case .undefined: return .undefined
        case .float: return .float
        case .int: return .int
        case .string: return .string
        case .tensor: return .tensor
        case .graph: return .graph
        case .sparseTensor: return .sparseTensor
        case .typeProto: return .typeProto
        case .floats: return .floats
        case .ints: return .ints
        case .strings: return .strings
        case .tensors: return .tensors
        case .graphs: return .graphs
        case .sparseTensors: return .sparseTensors
        case .typeProtos: return .typeProtos
        }
    }

    /// Subgraphs held by this value (GRAPH or GRAPHS).
    public var graphs: [Graph] {
        switch self {
        case let .graph(g): return [g]
        case let .graphs(gs): return gs
        default: return []
        }
    }

    public static func string(_ s: String) -> AttributeValue { .string(Array(s.utf8)) }

    public var intValue: Int64? { if case let .int(v) = self { return v }; return nil }
    public var floatValue: Float? { if case let .float(v) = self { return v }; return nil }
    public var intsValue: [Int64]? { if case let .ints(v) = self { return v }; return nil }
    public var floatsValue: [Float]? { if case let .floats(v) = self { return v }; return nil }
    public var stringValue: String? {
        if case let .string(v) = self { return String(decoding: v, as: UTF8.self) }
        return nil
    }
    public var stringsValue: [String]? {
        if case let .strings(v) = self { return v.map { String(decoding: $0, as: UTF8.self) } }
        return nil
    }
    public var tensorValue: TensorData? { if case let .tensor(v) = self { return v }; return nil }
    public var graphValue: Graph? { if case let .graph(v) = self { return v }; return nil }
}

/// An error raised inside a kernel, before the interpreter adds the node context.
public struct KernelError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Inputs or attributes the op does not accept (wrong shape, dtype, value).
        case invalidArgument
        /// A valid combination this implementation does not handle yet.
        case unsupported
    }
    public var kind: Kind
    public var message: String

    public init(_ message: String, kind: Kind = .invalidArgument) {
        self.message = message
        self.kind = kind
    }

    public static func unsupported(_ message: String) -> KernelError { KernelError(message, kind: .unsupported) }

    public var description: String { message }
}

/// An error from the interpreter, with the node it happened at:
/// `node 'conv1' (Conv): input 1 has shape [64,3,7] but Conv needs 4 dimensions`.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No kernel for this (domain, op type), or none for the model's opset.
        case unsupportedOp = "unsupported_op"
        /// The kernel exists but does not handle this case (a dtype, an attribute value).
        case unsupported
        /// Bad attribute or input values, shapes or types.
        case invalidArgument = "invalid_argument"
        /// The model itself cannot be executed (a cycle, an undefined value name).
        case invalidModel = "invalid_model"
        /// Feeds do not match the graph inputs.
        case invalidFeed = "invalid_feed"
        /// `interrupt()` was called.
        case interrupted
    }
    public var kind: Kind
    public var message: String
    /// Path of the node (`Loop_3/body[iter 2]/Add_1`), nil for errors not tied to a node.
    public var nodePath: String?
    public var opType: String?

    public init(_ kind: Kind, _ message: String, nodePath: String? = nil, opType: String? = nil) {
        self.kind = kind
        self.message = message
        self.nodePath = nodePath
        self.opType = opType
    }

    public var description: String {
        guard let nodePath else { return message }
        return "node '\(nodePath)' (\(opType ?? "?")): \(message)"
    }
}

/// Shape text as used in messages and reports: `[1,3,224,224]`.
@inline(__always)
func shapeText(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ",") + "]" }

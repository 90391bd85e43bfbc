/// Something wrong with a model found by `Validator`. The model still opens for browsing; callers
/// decide what is fatal (`info` refuses models whose tensor data cannot be read).
public struct Problem: Sendable, Hashable {
    public enum Severity: String, Sendable { case error, warning }
    public enum Kind: String, Sendable {
        case cycle, undefinedInput = "undefined_input", duplicateOutput = "duplicate_output"
        case missingOpsetImport = "missing_opset_import", tensorData = "tensor_data"
        case externalData = "external_data", undefinedOutput = "undefined_output"
        case unsortedNodes = "unsorted_nodes", emptyGraph = "empty_graph"
    }
    public var kind: Kind
    public var severity: Severity
    /// Where: "graph 'main' node 'conv1'", "initializer 'w'".
    public var location: String
    public var message: String

    /// Problems that make tensor data unreadable: bad input for headless commands.
    public var isDataError: Bool { kind == .tensorData || kind == .externalData }

    public var description: String { "\(location): \(message)" }
}

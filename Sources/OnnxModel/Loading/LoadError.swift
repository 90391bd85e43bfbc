/// Why a model (or a part of it) cannot be loaded. `description` is the one line printed on stderr:
/// it names the file and the problem.
public struct LoadError: Error, Sendable, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    /// A stable reason for callers that classify errors (the audit): see `ExternalDataStore.Reason`.
    public var reason: String?

    public init(_ path: String, _ message: String, reason: String? = nil) {
        self.path = path
        self.message = message
        self.reason = reason
    }

    public var description: String { "\(path): \(message)" }
}

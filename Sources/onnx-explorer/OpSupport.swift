/// Whether the embedded interpreter has a kernel for an op at an opset (for the audit's STRUCT001).
/// Wired to the interpreter's registry once it lands; until then STRUCT001 is not checked.
enum OpSupport {
    static let check: (@Sendable (String, String, Int64) -> Bool)? = nil
}

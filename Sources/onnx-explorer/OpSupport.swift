import OnnxRuntime

/// Whether the embedded interpreter has a kernel for an op at an opset (for the audit's STRUCT001).
enum OpSupport {
    static let check: (@Sendable (String, String, Int64) -> Bool)? = { domain, opType, opset in
        if case .found = OpRegistry.standard.resolve(domain: domain, opType: opType, opset: Int(opset)) { return true }
        return false
    }
}

import OnnxRuntime

/// Whether the embedded interpreter can run an op at an opset (for the audit's STRUCT001).
enum OpSupport {
    static let check: (@Sendable (String, String, Int64) -> Bool)? = { domain, opType, opset in
        OpRegistry.standard.canRun(domain: domain, opType: opType, opset: Int(opset))
    }
}

import OnnxModel
import Reports

/// One fuzz input: load it as a model and as every kind of test-data file, then run everything
/// `info` and `audit` do on what loads. Errors are fine; crashes, traps, leaks and hangs are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let model = try? ModelLoader.load(bytes: bytes, label: "fuzz") {
        let problems = Validator.validate(model)
        _ = InfoReport(model: model, problems: problems).json.serialized()
        _ = InfoReport(model: model, problems: problems).text
        _ = AuditReport(model: model, options: .init(hashTensors: true)).json.serialized()
        for t in model.graph.initializers {
            _ = try? t.canonicalBytes()
            _ = try? t.stringValues()
        }
    }
    for kind in [DataValueKind.tensor, .sequence, .map, .optional, .sparseTensor] {
        if case let .tensor(t)? = try? ModelLoader.loadData(bytes: bytes, label: "fuzz", kind: kind) {
            _ = try? t.canonicalBytes()
        }
    }
    return 0
}

// SwiftPM links an executable target's entry point as `OnnxFuzz_main` and aliases `main` to it, so
// libFuzzer's own `main` is never pulled in: this entry point hands control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("OnnxFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}

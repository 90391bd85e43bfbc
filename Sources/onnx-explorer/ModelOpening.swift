import Explorer
import FoundationEssentials
import OnnxModel

/// Loads the model a command names, or the embedded sample when none is given.
enum ModelOpening {
    static func load(_ path: String?) throws -> Model {
        do {
            guard let path else {
                guard let data = Data(base64Encoded: EmbeddedSample.base64) else {
                    throw CommandFailure(message: "onnx-explorer: the embedded sample is damaged")
                }
                return try ModelLoader.load(bytes: [UInt8](data), label: "<embedded \(EmbeddedSample.fileName)>")
            }
            return try ModelLoader.load(path: path)
        } catch let e as LoadError {
            throw CommandFailure(message: e.description)
        }
    }
}

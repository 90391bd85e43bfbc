import OnnxModel

/// Recognises well-known provenance keys (after the Hugging Face model card metadata conventions)
/// and exporter fingerprints.
public enum Provenance {
    /// Groups of well-known keys; a key matches after lowercasing and mapping '-' and ' ' to '_'.
    public static let groups: [(group: String, keys: [String])] = [
        ("license", ["license", "licence", "license_name", "license_link", "licenses"]),
        ("author", ["author", "authors", "creator", "owner", "organization", "organisation", "maintainer"]),
        ("source", ["source", "repository", "repo", "url", "homepage", "source_url", "model_url", "hub_id", "model_id"]),
        ("datasets", ["dataset", "datasets", "training_data", "train_dataset"]),
        ("base_model", ["base_model", "base_model_name", "parent_model", "finetuned_from"]),
        ("version", ["version", "model_version", "release"]),
        ("created", ["created", "creation_date", "created_at", "date", "timestamp", "export_date"]),
        ("framework", ["framework", "library_name", "exporter", "converted_from", "converter"]),
        ("commit", ["commit", "git_commit", "revision", "git_revision", "commit_sha"]),
    ]

    /// Groups a model should state; what is missing is reported (PROV002/PROV003).
    public static let recommended = ["license", "author", "source", "datasets", "created", "version", "commit"]

    public static func normalize(_ key: String) -> String {
        String(key.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
    }

    public static func group(of key: String) -> String? {
        let k = normalize(key)
        return groups.first { $0.keys.contains(k) }?.group
    }

    /// Names the tool that produced the model, from producer_name and other traces.
    public static func exporter(_ m: Model) -> String? {
        let p = m.producerName.lowercased()
        let v = m.producerVersion.isEmpty ? "" : " " + m.producerVersion
        switch true {
        case p == "pytorch" || p.hasPrefix("torch"): return "PyTorch (torch.onnx)" + v
        case p == "tf2onnx": return "TensorFlow via tf2onnx" + v
        case p == "skl2onnx": return "scikit-learn via skl2onnx" + v
        case p.contains("onnxmltools"): return "onnxmltools" + v
        case p == "keras2onnx": return "Keras via keras2onnx" + v
        case p.contains("onnxruntime"): return "onnxruntime tools (\(m.producerName))" + v
        case p.contains("paddle"): return "PaddlePaddle via paddle2onnx" + v
        case p.contains("openvino"): return "OpenVINO" + v
        case p.contains("optimum"): return "Hugging Face Optimum" + v
        case p.contains("onnx-tool") || p.contains("onnxsim") || p.contains("onnx-simplifier"): return "onnx-simplifier" + v
        case p == "backend-test": return "onnx backend test generator" + v
        case p.isEmpty:
            if m.graph.name == "torch_jit" || m.graph.name == "main_graph" { return "probably PyTorch (graph name '\(m.graph.name)')" }
            if m.graph.name == "tf2onnx" { return "probably tf2onnx (graph name)" }
            return nil
        default: return m.producerName + v
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COnnxProto

/// Opens ONNX models and data files. The file is memory-mapped read-only; weights stay in the map.
public enum ModelLoader {
    /// Loads a model file. Errors name the file and the problem in one line.
    public static func load(path: String) throws(LoadError) -> Model {
        let file = try openModelFile(path)
        var model = try decodeModel(owner: file, label: path, external: ExternalDataStore(directory: directoryOf(path)))
        model.source.path = path
        model.source.directory = directoryOf(path)
        model.source.fileSize = file.byteCount
        return model
    }

    /// Loads a model from bytes in memory (the embedded sample, fuzzing). External data cannot be
    /// resolved unless `directory` is given.
    public static func load(bytes: [UInt8], label: String, directory: String? = nil) throws(LoadError) -> Model {
        let owner = OwnedBytes(bytes)
        var model = try decodeModel(owner: owner, label: label, external: directory.map { ExternalDataStore(directory: $0) })
        model.source.path = label
        model.source.directory = directory
        model.source.fileSize = bytes.count
        return model
    }

    /// Loads a test-data file (`input_0.pb`): a TensorProto, or a SequenceProto / MapProto /
    /// OptionalProto when `kind` says so.
    public static func loadData(path: String, kind: DataValueKind = .tensor) throws(LoadError) -> DataValue {
        let file = try openModelFile(path)
        return try decodeData(owner: file, label: path, kind: kind)
    }

    public static func loadData(bytes: [UInt8], label: String, kind: DataValueKind = .tensor) throws(LoadError) -> DataValue {
        try decodeData(owner: OwnedBytes(bytes), label: label, kind: kind)
    }

    /// The folder a model's external data locations are relative to.
    public static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    // MARK: -

    static func openModelFile(_ path: String) throws(LoadError) -> MappedFile {
        var st = stat()
        guard stat(path, &st) == 0 else { throw LoadError(path, openErrorText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw LoadError(path, "is a directory, not a model file") }
        // A FIFO or device would block or stream forever: refuse before opening.
        if (st.st_mode & S_IFMT) != S_IFREG { throw LoadError(path, "is not a regular file (a pipe, socket or device)") }
        let file = try MappedFile(path: path)
        if file.byteCount == 0 { throw LoadError(path, "is empty (0 bytes), not an ONNX model") }
        return file
    }

    static func decodeModel(owner: any ByteOwner, label: String, external: ExternalDataStore?) throws(LoadError) -> Model {
        guard owner.byteCount > 0 else { throw LoadError(label, "is empty (0 bytes), not an ONNX model") }
        var scanner = WireScanner(bytes: UnsafeRawBufferPointer(start: owner.baseAddress, count: owner.byteCount), label: label)
        let structural = try scanner.run(root: .model)
        var decoder = ProtoDecoder(label: label, owner: owner, chunks: scanner.chunks, external: external)
        var model = try ProtoDecoder.unpackModel(structural, label) { decoder.model($0) }
        if model.irVersion == 0 && model.graph.nodes.isEmpty && model.graph.inputs.isEmpty && model.graph.outputs.isEmpty
            && model.opsetImports.isEmpty && model.functions.isEmpty {
            throw LoadError(label, "not an ONNX model (no ir_version, opset imports, graph or functions)")
        }
        model.nonUTF8Strings = decoder.nonUTF8
        model.source.external = external
        return model
    }

    static func decodeData(owner: any ByteOwner, label: String, kind: DataValueKind) throws(LoadError) -> DataValue {
        var scanner = WireScanner(bytes: UnsafeRawBufferPointer(start: owner.baseAddress, count: owner.byteCount), label: label)
        let root: WireScanner.Msg
        switch kind {
        case .tensor: root = .tensor
        case .sparseTensor: root = .sparseTensor
        case .sequence: root = .sequence
        case .map: root = .map
        case .optional: root = .optional
        }
        let structural = try scanner.run(root: root)
        var d = ProtoDecoder(label: label, owner: owner, chunks: scanner.chunks, external: ExternalDataStore(directory: directoryOf(label)))
        switch kind {
        case .tensor:
            return try ProtoDecoder.unpack(structural, label, what: "TensorProto",
                                           unpack: { onnx__tensor_proto__unpack(nil, $0, $1) },
                                           free: { onnx__tensor_proto__free_unpacked($0, nil) }) { .tensor(d.tensor($0, "tensor")) }
        case .sparseTensor:
            return try ProtoDecoder.unpack(structural, label, what: "SparseTensorProto",
                                           unpack: { onnx__sparse_tensor_proto__unpack(nil, $0, $1) },
                                           free: { onnx__sparse_tensor_proto__free_unpacked($0, nil) }) { .sparseTensor(d.sparse($0, "sparse tensor")) }
        case .sequence:
            return try ProtoDecoder.unpack(structural, label, what: "SequenceProto",
                                           unpack: { onnx__sequence_proto__unpack(nil, $0, $1) },
                                           free: { onnx__sequence_proto__free_unpacked($0, nil) }) { d.sequence($0) }
        case .map:
            return try ProtoDecoder.unpack(structural, label, what: "MapProto",
                                           unpack: { onnx__map_proto__unpack(nil, $0, $1) },
                                           free: { onnx__map_proto__free_unpacked($0, nil) }) { d.map($0) }
        case .optional:
            return try ProtoDecoder.unpack(structural, label, what: "OptionalProto",
                                           unpack: { onnx__optional_proto__unpack(nil, $0, $1) },
                                           free: { onnx__optional_proto__free_unpacked($0, nil) }) { d.optional($0) }
        }
    }
}

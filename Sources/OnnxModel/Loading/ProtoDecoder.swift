#if canImport(Glibc)
import Glibc
#endif
import COnnxProto
import CProtobufC

/// Turns protobuf-c messages into the Swift IR. This is the only file that touches protobuf-c
/// types; `UnsafePointer` and `Onnx__*` never leave it.
struct ProtoDecoder {
    let label: String
    /// The original bytes (mapped file) that lifted chunks point into.
    let owner: any ByteOwner
    let chunks: [WireScanner.Chunk]
    let external: ExternalDataStore?
    var nonUTF8: [String] = []

    // MARK: Entry points

    static func unpackModel(_ structural: [UInt8], _ label: String, _ body: (UnsafeMutablePointer<Onnx__ModelProto>) -> Model) throws(LoadError) -> Model {
        let result: Model? = structural.withUnsafeBufferPointer { buf in
            let p = buf.baseAddress ?? UnsafePointer(bitPattern: 1)!
            guard let msg = onnx__model_proto__unpack(nil, buf.count, p) else { return nil }
            defer { onnx__model_proto__free_unpacked(msg, nil) }
            return body(msg)
        }
        guard let result else { throw LoadError(label, "not a valid ONNX model (the protobuf structure does not match ModelProto)") }
        return result
    }

    static func unpack<M>(_ structural: [UInt8], _ label: String, what: String,
                          unpack: (Int, UnsafePointer<UInt8>) -> UnsafeMutablePointer<M>?,
                          free: (UnsafeMutablePointer<M>) -> Void,
                          _ body: (UnsafeMutablePointer<M>) -> DataValue) throws(LoadError) -> DataValue {
        let result: DataValue? = structural.withUnsafeBufferPointer { buf in
            let p = buf.baseAddress ?? UnsafePointer(bitPattern: 1)!
            guard let msg = unpack(buf.count, p) else { return nil }
            defer { free(msg) }
            return body(msg)
        }
        guard let result else { throw LoadError(label, "not a valid \(what) (the protobuf structure does not match)") }
        return result
    }

    // MARK: Scalars

    mutating func str(_ p: UnsafeMutablePointer<CChar>?, _ location: @autoclosure () -> String) -> String {
        guard let p else { return "" }
        if let s = String(validatingCString: p) { return s }
        nonUTF8.append(location())
        return String(decoding: UnsafeRawBufferPointer(start: p, count: strlen(p)), as: UTF8.self)
    }

    func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        guard b.len > 0, let d = b.data else { return [] }
        return Array(UnsafeBufferPointer(start: d, count: b.len))
    }

    func array<T>(_ n: Int, _ p: UnsafeMutablePointer<T>?) -> [T] {
        guard n > 0, let p else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    mutating func strings(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ loc: @autoclosure () -> String) -> [String] {
        guard n > 0, let p else { return [] }
        return (0..<n).map { str(p[$0], loc()) }
    }

    mutating func pairs(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__StringStringEntryProto>?>?, _ loc: @autoclosure () -> String) -> [StringPair] {
        guard n > 0, let p else { return [] }
        var out: [StringPair] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let e = p[i] else { continue }
            let k = str(e.pointee.key, "\(loc()) key")
            out.append(StringPair(k, str(e.pointee.value, "\(loc()) '\(k)'")))
        }
        return out
    }

    mutating func each<M, R>(_ n: Int, _ p: UnsafeMutablePointer<UnsafeMutablePointer<M>?>?, _ f: (inout ProtoDecoder, UnsafeMutablePointer<M>) -> R) -> [R] {
        guard n > 0, let p else { return [] }
        var out: [R] = []
        out.reserveCapacity(n)
        for i in 0..<n { if let m = p[i] { out.append(f(&self, m)) } }
        return out
    }

    // MARK: Model

    mutating func model(_ m: UnsafeMutablePointer<Onnx__ModelProto>) -> Model {
        let p = m.pointee
        var model = Model()
        model.irVersion = p.has_ir_version != 0 ? p.ir_version : 0
        model.opsetImports = each(p.n_opset_import, p.opset_import) { d, o in d.opset(o, "opset_import") }
        model.producerName = str(p.producer_name, "producer_name")
        model.producerVersion = str(p.producer_version, "producer_version")
        model.domain = str(p.domain, "domain")
        model.modelVersion = p.has_model_version != 0 ? p.model_version : 0
        model.docString = str(p.doc_string, "doc_string")
        if let g = p.graph { model.graph = graph(g, "graph") }
        model.metadataProps = pairs(p.n_metadata_props, p.metadata_props, "metadata_props")
        model.trainingInfo = each(p.n_training_info, p.training_info) { d, t in d.trainingInfo(t) }
        model.functions = each(p.n_functions, p.functions) { d, f in d.function(f) }
        model.configuration = each(p.n_configuration, p.configuration) { d, c in
            var dc = DeviceConfiguration()
            dc.name = d.str(c.pointee.name, "configuration name")
            dc.numDevices = c.pointee.has_num_devices != 0 ? c.pointee.num_devices : 0
            dc.device = d.strings(c.pointee.n_device, c.pointee.device, "configuration device")
            return dc
        }
        return model
    }

    mutating func opset(_ o: UnsafeMutablePointer<Onnx__OperatorSetIdProto>, _ loc: @autoclosure () -> String) -> OpsetImport {
        OpsetImport(domain: str(o.pointee.domain, "\(loc()) domain"), version: o.pointee.has_version != 0 ? o.pointee.version : 0)
    }

    mutating func trainingInfo(_ t: UnsafeMutablePointer<Onnx__TrainingInfoProto>) -> TrainingInfo {
        var ti = TrainingInfo()
        if let g = t.pointee.initialization { ti.initialization = graph(g, "training_info initialization") }
        if let g = t.pointee.algorithm { ti.algorithm = graph(g, "training_info algorithm") }
        ti.initializationBinding = pairs(t.pointee.n_initialization_binding, t.pointee.initialization_binding, "initialization_binding")
        ti.updateBinding = pairs(t.pointee.n_update_binding, t.pointee.update_binding, "update_binding")
        return ti
    }

    mutating func function(_ f: UnsafeMutablePointer<Onnx__FunctionProto>) -> Function {
        let p = f.pointee
        var fn = Function()
        fn.name = str(p.name, "function name")
        let fnName = fn.name
        func loc() -> String { "function '\(fnName)'" }
        fn.domain = str(p.domain, "\(loc()) domain")
        fn.overload = str(p.overload, "\(loc()) overload")
        fn.inputs = strings(p.n_input, p.input, "\(loc()) input")
        fn.outputs = strings(p.n_output, p.output, "\(loc()) output")
        fn.attributeNames = strings(p.n_attribute, p.attribute, "\(loc()) attribute")
        fn.attributeDefaults = each(p.n_attribute_proto, p.attribute_proto) { d, a in d.attribute(a, loc()) }
        fn.nodes = each(p.n_node, p.node) { d, n in d.node(n, loc()) }
        fn.docString = str(p.doc_string, "\(loc()) doc_string")
        fn.opsetImports = each(p.n_opset_import, p.opset_import) { d, o in d.opset(o, "\(loc()) opset_import") }
        fn.valueInfo = each(p.n_value_info, p.value_info) { d, v in d.valueInfo(v, loc()) }
        fn.metadataProps = pairs(p.n_metadata_props, p.metadata_props, "\(loc()) metadata_props")
        return fn
    }

    // MARK: Graph

    mutating func graph(_ g: UnsafeMutablePointer<Onnx__GraphProto>, _ loc: @autoclosure () -> String) -> Graph {
        let p = g.pointee
        var out = Graph()
        out.name = str(p.name, "\(loc()) name")
        func here() -> String { out.name.isEmpty ? loc() : "graph '\(out.name)'" }
        out.nodes = each(p.n_node, p.node) { d, n in d.node(n, here()) }
        out.initializers = each(p.n_initializer, p.initializer) { d, t in d.tensor(t, "\(here()) initializer") }
        out.sparseInitializers = each(p.n_sparse_initializer, p.sparse_initializer) { d, s in d.sparse(s, "\(here()) sparse_initializer") }
        out.docString = str(p.doc_string, "\(here()) doc_string")
        out.inputs = each(p.n_input, p.input) { d, v in d.valueInfo(v, "\(here()) input") }
        out.outputs = each(p.n_output, p.output) { d, v in d.valueInfo(v, "\(here()) output") }
        out.valueInfo = each(p.n_value_info, p.value_info) { d, v in d.valueInfo(v, "\(here()) value_info") }
        out.quantizationAnnotation = each(p.n_quantization_annotation, p.quantization_annotation) { d, a in
            var ta = TensorAnnotation()
            ta.tensorName = d.str(a.pointee.tensor_name, "\(here()) quantization_annotation")
            ta.quantParameterTensorNames = d.pairs(a.pointee.n_quant_parameter_tensor_names, a.pointee.quant_parameter_tensor_names, "\(here()) quantization_annotation")
            return ta
        }
        out.metadataProps = pairs(p.n_metadata_props, p.metadata_props, "\(here()) metadata_props")
        return out
    }

    mutating func valueInfo(_ v: UnsafeMutablePointer<Onnx__ValueInfoProto>, _ loc: @autoclosure () -> String) -> ValueInfo {
        var vi = ValueInfo()
        vi.name = str(v.pointee.name, "\(loc()) name")
        if let t = v.pointee.type { vi.type = type(t, "\(loc()) '\(vi.name)'") }
        vi.docString = str(v.pointee.doc_string, "\(loc()) doc_string")
        vi.metadataProps = pairs(v.pointee.n_metadata_props, v.pointee.metadata_props, "\(loc()) metadata_props")
        return vi
    }

    mutating func node(_ n: UnsafeMutablePointer<Onnx__NodeProto>, _ loc: @autoclosure () -> String) -> Node {
        let p = n.pointee
        var node = Node()
        node.name = str(p.name, "\(loc()) node name")
        node.opType = str(p.op_type, "\(loc()) node op_type")
        func here() -> String { "\(loc()) node '\(node.name.isEmpty ? node.opType : node.name)'" }
        node.inputs = strings(p.n_input, p.input, "\(here()) input")
        node.outputs = strings(p.n_output, p.output, "\(here()) output")
        node.domain = str(p.domain, "\(here()) domain")
        node.overload = str(p.overload, "\(here()) overload")
        node.attributes = each(p.n_attribute, p.attribute) { d, a in d.attribute(a, here()) }
        node.docString = str(p.doc_string, "\(here()) doc_string")
        node.metadataProps = pairs(p.n_metadata_props, p.metadata_props, "\(here()) metadata_props")
        node.deviceConfigurations = each(p.n_device_configurations, p.device_configurations) { d, c in d.deviceConfig(c, here()) }
        return node
    }

    mutating func deviceConfig(_ c: UnsafeMutablePointer<Onnx__NodeDeviceConfigurationProto>, _ loc: @autoclosure () -> String) -> NodeDeviceConfiguration {
        var out = NodeDeviceConfiguration()
        out.configurationId = str(c.pointee.configuration_id, "\(loc()) configuration_id")
        out.pipelineStage = c.pointee.has_pipeline_stage != 0 ? c.pointee.pipeline_stage : nil
        out.shardingSpec = each(c.pointee.n_sharding_spec, c.pointee.sharding_spec) { d, s in
            var spec = ShardingSpec()
            spec.tensorName = d.str(s.pointee.tensor_name, "\(loc()) sharding_spec")
            spec.device = d.array(s.pointee.n_device, s.pointee.device)
            for e in d.each(s.pointee.n_index_to_device_group_map, s.pointee.index_to_device_group_map, { d, e in
                (e.pointee.key, d.array(e.pointee.n_value, e.pointee.value))
            }) { spec.indexToDeviceGroupMap[e.0] = e.1 }
            spec.shardedDim = d.each(s.pointee.n_sharded_dim, s.pointee.sharded_dim) { d, sd in
                var dim = ShardedDim()
                dim.axis = sd.pointee.axis
                dim.simpleSharding = d.each(sd.pointee.n_simple_sharding, sd.pointee.simple_sharding) { d, ss in
                    var s = SimpleShardedDim()
                    s.numShards = ss.pointee.num_shards
                    switch ss.pointee.dim_case {
                    case ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_VALUE: s.dim = .value(ss.pointee.dim_value)
                    case ONNX__SIMPLE_SHARDED_DIM_PROTO__DIM_DIM_PARAM: s.dim = .param(d.str(ss.pointee.dim_param, "\(loc()) dim_param"))
                    default: s.dim = .unknown
                    }
                    return s
                }
                return dim
            }
            return spec
        }
        return out
    }

    // MARK: Attribute

    mutating func attribute(_ a: UnsafeMutablePointer<Onnx__AttributeProto>, _ loc: @autoclosure () -> String) -> Attribute {
        let p = a.pointee
        let name = str(p.name, "\(loc()) attribute name")
        func here() -> String { "\(loc()) attribute '\(name)'" }
        var declared = p.has_type != 0 ? Int32(bitPattern: p.type.rawValue) : 0
        if declared == 0 { declared = inferType(p) }
        let value: AttributeValue
        switch AttributeType(rawValue: declared) ?? .undefined {
        case .undefined: value = .undefined
        case .float: value = .float(p.f)
        case .int: value = .int(p.i)
        case .string: value = .string(bytes(p.s))
        case .tensor: value = p.t.map { .tensor(tensor($0, here())) } ?? .tensor(TensorData())
        case .graph: value = p.g.map { .graph(graph($0, here())) } ?? .graph(Graph())
        case .sparseTensor: value = p.sparse_tensor.map { .sparseTensor(sparse($0, here())) } ?? .sparseTensor(SparseTensorData())
        case .typeProto: value = p.tp.map { .typeProto(type($0, here())) } ?? .typeProto(TypeInfo(.none))
        case .floats: value = .floats(array(p.n_floats, p.floats))
        case .ints: value = .ints(array(p.n_ints, p.ints))
        case .strings: value = .strings(array(p.n_strings, p.strings).map(bytes))
        case .tensors: value = .tensors(each(p.n_tensors, p.tensors) { d, t in d.tensor(t, here()) })
        case .graphs: value = .graphs(each(p.n_graphs, p.graphs) { d, g in d.graph(g, here()) })
        case .sparseTensors: value = .sparseTensors(each(p.n_sparse_tensors, p.sparse_tensors) { d, s in d.sparse(s, here()) })
        case .typeProtos: value = .typeProtos(each(p.n_type_protos, p.type_protos) { d, t in d.type(t, here()) })
        }
        var attr = Attribute(name, value, refAttrName: str(p.ref_attr_name, "\(here()) ref_attr_name"))
        attr.docString = str(p.doc_string, "\(here()) doc_string")
        return attr
    }

    /// Very old models omit `type`; infer it from the field that is set.
    func inferType(_ p: Onnx__AttributeProto) -> Int32 {
        if p.t != nil { return AttributeType.tensor.rawValue }
        if p.g != nil { return AttributeType.graph.rawValue }
        if p.sparse_tensor != nil { return AttributeType.sparseTensor.rawValue }
        if p.tp != nil { return AttributeType.typeProto.rawValue }
        if p.n_floats > 0 { return AttributeType.floats.rawValue }
        if p.n_ints > 0 { return AttributeType.ints.rawValue }
        if p.n_strings > 0 { return AttributeType.strings.rawValue }
        if p.n_tensors > 0 { return AttributeType.tensors.rawValue }
        if p.n_graphs > 0 { return AttributeType.graphs.rawValue }
        if p.n_sparse_tensors > 0 { return AttributeType.sparseTensors.rawValue }
        if p.n_type_protos > 0 { return AttributeType.typeProtos.rawValue }
        if p.has_f != 0 { return AttributeType.float.rawValue }
        if p.has_i != 0 { return AttributeType.int.rawValue }
        if p.has_s != 0 { return AttributeType.string.rawValue }
        return 0
    }

    // MARK: Types

    mutating func type(_ t: UnsafeMutablePointer<Onnx__TypeProto>, _ loc: @autoclosure () -> String) -> TypeInfo {
        let p = t.pointee
        let denotation = str(p.denotation, "\(loc()) denotation")
        let kind: TypeInfo.Kind
        switch p.value_case {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
            let tt = p.tensor_type!.pointee
            kind = .tensor(elemType: tt.has_elem_type != 0 ? tt.elem_type : 0, shape: tt.shape.map { shape($0, loc()) })
        case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
            let tt = p.sparse_tensor_type!.pointee
            kind = .sparseTensor(elemType: tt.has_elem_type != 0 ? tt.elem_type : 0, shape: tt.shape.map { shape($0, loc()) })
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
            kind = .sequence(p.sequence_type!.pointee.elem_type.map { type($0, loc()) })
        case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
            let mt = p.map_type!.pointee
            kind = .map(keyType: mt.has_key_type != 0 ? mt.key_type : 0, value: mt.value_type.map { type($0, loc()) })
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
            kind = .optional(p.optional_type!.pointee.elem_type.map { type($0, loc()) })
        case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE:
            let o = p.opaque_type!.pointee
            kind = .opaque(domain: str(o.domain, "\(loc()) opaque domain"), name: str(o.name, "\(loc()) opaque name"))
        default:
            kind = .none
        }
        return TypeInfo(kind, denotation: denotation)
    }

    mutating func shape(_ s: UnsafeMutablePointer<Onnx__TensorShapeProto>, _ loc: @autoclosure () -> String) -> TensorShape {
        TensorShape(each(s.pointee.n_dim, s.pointee.dim) { d, dim in
            let v: Dim.Value
            switch dim.pointee.value_case {
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE: v = .value(dim.pointee.dim_value)
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM: v = .param(d.str(dim.pointee.dim_param, "\(loc()) dim_param"))
            default: v = .unknown
            }
            return Dim(v, denotation: d.str(dim.pointee.denotation, "\(loc()) dim denotation"))
        })
    }

    // MARK: Tensors

    mutating func sparse(_ s: UnsafeMutablePointer<Onnx__SparseTensorProto>, _ loc: @autoclosure () -> String) -> SparseTensorData {
        var out = SparseTensorData()
        if let v = s.pointee.values { out.values = tensor(v, "\(loc()) values") }
        if let i = s.pointee.indices { out.indices = tensor(i, "\(loc()) indices") }
        out.dims = array(s.pointee.n_dims, s.pointee.dims)
        return out
    }

    mutating func tensor(_ t: UnsafeMutablePointer<Onnx__TensorProto>, _ loc: @autoclosure () -> String) -> TensorData {
        let p = t.pointee
        var out = TensorData()
        out.name = str(p.name, "\(loc()) name")
        func here() -> String { "\(loc()) '\(out.name)'" }
        out.dims = array(p.n_dims, p.dims)
        out.elemType = p.has_data_type != 0 ? p.data_type : 0
        if let s = p.segment { out.segment = (s.pointee.begin, s.pointee.end) }
        out.docString = str(p.doc_string, "\(here()) doc_string")
        out.metadataProps = pairs(p.n_metadata_props, p.metadata_props, "\(here()) metadata_props")
        out.externalData = pairs(p.n_external_data, p.external_data, "\(here()) external_data")
        out.dataLocation = p.has_data_location != 0 ? Int32(bitPattern: p.data_location.rawValue) : 0

        // Lifted payloads (see WireScanner), in file order.
        var raw: ByteView?
        var typed: [TypedField.Kind: TypedField] = [:]
        let unknown = p.base.n_unknown_fields
        if unknown > 0, let fields = p.base.unknown_fields {
            for i in 0..<Int(unknown) {
                let f = fields[i]
                guard UInt64(f.tag) == WireScanner.lazyField, f.wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, let data = f.data else { continue }
                // protobuf-c keeps a length-delimited unknown field with its length prefix: skip
                // that varint, then read our chunk index.
                var j = 0
                func next() -> UInt64? {
                    var v: UInt64 = 0, shift: UInt64 = 0
                    while j < f.len && shift < 64 {
                        let b = data[j]
                        j += 1
                        v |= UInt64(b & 0x7f) << shift
                        if b & 0x80 == 0 { return v }
                        shift += 7
                    }
                    return nil
                }
                guard next() != nil, let idx = next() else { continue }
                guard idx < UInt64(chunks.count) else { continue }
                let c = chunks[Int(idx)]
                let view = ByteView(owner: owner, offset: c.start, count: c.count)
                if c.field == 9 {
                    raw = view
                } else if let k = TypedField.Kind(rawValue: c.field) {
                    typed[k, default: TypedField(kind: k)].packed.append(view)
                }
            }
        }
        // Unpacked (non-packed encoding) typed values that protobuf-c decoded itself.
        func addLoose(_ k: TypedField.Kind, _ values: [UInt64]) {
            if !values.isEmpty { typed[k, default: TypedField(kind: k)].loose.append(contentsOf: values) }
        }
        addLoose(.float, array(p.n_float_data, p.float_data).map { UInt64($0.bitPattern) })
        addLoose(.int32, array(p.n_int32_data, p.int32_data).map { UInt64(bitPattern: Int64($0)) })
        addLoose(.int64, array(p.n_int64_data, p.int64_data).map { UInt64(bitPattern: $0) })
        addLoose(.double, array(p.n_double_data, p.double_data).map { $0.bitPattern })
        addLoose(.uint64, array(p.n_uint64_data, p.uint64_data))
        if p.has_raw_data != 0 { raw = ByteView(bytes(p.raw_data)) }

        if out.dataLocation == 1 {
            out.payload = .external(ExternalDataRef(out.externalData, store: external))
        } else if let raw {
            out.payload = .raw(raw)
        } else if out.elemType == DataType.string.rawValue || p.n_string_data > 0 {
            out.payload = .strings(array(p.n_string_data, p.string_data).map(bytes))
        } else if let field = TensorDecoding.preferredField(for: out.dataType, among: Array(typed.keys)) {
            out.payload = .typed(typed[field]!)
        }
        return out
    }

    // MARK: onnx-data.proto values

    mutating func sequence(_ s: UnsafeMutablePointer<Onnx__SequenceProto>) -> DataValue {
        let p = s.pointee
        var items: [DataValue] = []
        items += each(p.n_tensor_values, p.tensor_values) { d, t in DataValue.tensor(d.tensor(t, "sequence element")) }
        items += each(p.n_sparse_tensor_values, p.sparse_tensor_values) { d, t in DataValue.sparseTensor(d.sparse(t, "sequence element")) }
        items += each(p.n_sequence_values, p.sequence_values) { d, t in d.sequence(t) }
        items += each(p.n_map_values, p.map_values) { d, t in d.map(t) }
        items += each(p.n_optional_values, p.optional_values) { d, t in d.optional(t) }
        return .sequence(elemType: p.has_elem_type != 0 ? p.elem_type : 0, items)
    }

    mutating func map(_ m: UnsafeMutablePointer<Onnx__MapProto>) -> DataValue {
        let p = m.pointee
        return .map(keyType: p.has_key_type != 0 ? p.key_type : 0,
                    intKeys: array(p.n_keys, p.keys),
                    stringKeys: array(p.n_string_keys, p.string_keys).map(bytes),
                    values: p.values.map { sequence($0) })
    }

    mutating func optional(_ o: UnsafeMutablePointer<Onnx__OptionalProto>) -> DataValue {
        let p = o.pointee
        let elem = p.has_elem_type != 0 ? p.elem_type : 0
        if let t = p.tensor_value { return .optional(elemType: elem, .tensor(tensor(t, "optional value"))) }
        if let t = p.sparse_tensor_value { return .optional(elemType: elem, .sparseTensor(sparse(t, "optional value"))) }
        if let t = p.sequence_value { return .optional(elemType: elem, sequence(t)) }
        if let t = p.map_value { return .optional(elemType: elem, map(t)) }
        if let t = p.optional_value { return .optional(elemType: elem, optional(t)) }
        return .optional(elemType: elem, nil)
    }
}

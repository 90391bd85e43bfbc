/// Serialises the IR back to ONNX protobuf bytes (field numbers from onnx.proto / onnx-data.proto).
/// Used for `x` (export a node as a test case), `e` (export a tensor) and test fixtures.
public enum ProtoEncoder {
    public static func encode(_ m: Model) -> [UInt8] {
        var w = WireWriter()
        if m.irVersion != 0 { w.int(1, m.irVersion) }
        w.string(2, m.producerName)
        w.string(3, m.producerVersion)
        w.string(4, m.domain)
        if m.modelVersion != 0 { w.int(5, m.modelVersion) }
        w.string(6, m.docString)
        w.message(7) { graph(m.graph, &$0) }
        for o in m.opsetImports { w.message(8) { opset(o, &$0) } }
        pairs(14, m.metadataProps, &w)
        for t in m.trainingInfo {
            w.message(20) { tw in
                tw.message(1) { graph(t.initialization, &$0) }
                tw.message(2) { graph(t.algorithm, &$0) }
                pairs(3, t.initializationBinding, &tw)
                pairs(4, t.updateBinding, &tw)
            }
        }
        for f in m.functions { w.message(25) { function(f, &$0) } }
        for c in m.configuration {
            w.message(26) { cw in
                cw.string(1, c.name)
                if c.numDevices != 0 { cw.int32(2, c.numDevices) }
                for d in c.device { cw.data(3, Array(d.utf8)) }
            }
        }
        return w.bytes
    }

    public static func encode(_ t: TensorData) -> [UInt8] {
        var w = WireWriter()
        tensor(t, &w)
        return w.bytes
    }

    public static func encode(_ v: DataValue) -> [UInt8] {
        var w = WireWriter()
        switch v {
        case let .tensor(t): tensor(t, &w)
        case let .sparseTensor(s): sparse(s, &w)
        case .sequence: sequenceBody(v, &w)
        case .map: mapBody(v, &w)
        case .optional: optionalBody(v, &w)
        }
        return w.bytes
    }

    static func opset(_ o: OpsetImport, _ w: inout WireWriter) {
        w.string(1, o.domain)
        w.int(2, o.version)
    }

    static func pairs(_ field: Int, _ ps: [StringPair], _ w: inout WireWriter) {
        for p in ps { w.message(field) { $0.string(1, p.key); $0.string(2, p.value) } }
    }

    static func graph(_ g: Graph, _ w: inout WireWriter) {
        for n in g.nodes { w.message(1) { node(n, &$0) } }
        w.string(2, g.name)
        for t in g.initializers { w.message(5) { tensor(t, &$0) } }
        w.string(10, g.docString)
        for v in g.inputs { w.message(11) { valueInfo(v, &$0) } }
        for v in g.outputs { w.message(12) { valueInfo(v, &$0) } }
        for v in g.valueInfo { w.message(13) { valueInfo(v, &$0) } }
        for a in g.quantizationAnnotation {
            w.message(14) { aw in aw.string(1, a.tensorName); pairs(2, a.quantParameterTensorNames, &aw) }
        }
        for s in g.sparseInitializers { w.message(15) { sparse(s, &$0) } }
        pairs(16, g.metadataProps, &w)
    }

    static func node(_ n: Node, _ w: inout WireWriter) {
        for i in n.inputs { w.data(1, Array(i.utf8)) }
        for o in n.outputs { w.data(2, Array(o.utf8)) }
        w.string(3, n.name)
        w.string(4, n.opType)
        for a in n.attributes { w.message(5) { attribute(a, &$0) } }
        w.string(6, n.docString)
        w.string(7, n.domain)
        w.string(8, n.overload)
        pairs(9, n.metadataProps, &w)
        for c in n.deviceConfigurations {
            w.message(10) { cw in
                cw.string(1, c.configurationId)
                for s in c.shardingSpec {
                    cw.message(2) { sw in
                        sw.string(1, s.tensorName)
                        sw.packedVarints(2, s.device.map { UInt64(bitPattern: $0) })
                        for (k, v) in s.indexToDeviceGroupMap.sorted(by: { $0.key < $1.key }) {
                            sw.message(3) { $0.int(1, k); $0.packedVarints(2, v.map { UInt64(bitPattern: $0) }) }
                        }
                        for d in s.shardedDim {
                            sw.message(4) { dw in
                                dw.int(1, d.axis)
                                for ss in d.simpleSharding {
                                    dw.message(2) { xw in
                                        switch ss.dim {
                                        case let .value(v): xw.int(1, v)
                                        case let .param(p): xw.data(2, Array(p.utf8))
                                        case .unknown: break
                                        }
                                        xw.int(3, ss.numShards)
                                    }
                                }
                            }
                        }
                    }
                }
                if let p = c.pipelineStage { cw.int32(3, p) }
            }
        }
    }

    static func valueInfo(_ v: ValueInfo, _ w: inout WireWriter) {
        w.string(1, v.name)
        if let t = v.type { w.message(2) { type(t, &$0) } }
        w.string(3, v.docString)
        pairs(4, v.metadataProps, &w)
    }

    static func type(_ t: TypeInfo, _ w: inout WireWriter) {
        func shape(_ s: TensorShape, _ w: inout WireWriter) {
            for d in s.dims {
                w.message(1) { dw in
                    switch d.value {
                    case let .value(v): dw.int(1, v)
                    case let .param(p): dw.data(2, Array(p.utf8))
                    case .unknown: break
                    }
                    dw.string(3, d.denotation)
                }
            }
        }
        switch t.kind {
        case .none: break
        case let .tensor(e, s):
            w.message(1) { tw in tw.int32(1, e); if let s { tw.message(2) { shape(s, &$0) } } }
        case let .sparseTensor(e, s):
            w.message(8) { tw in tw.int32(1, e); if let s { tw.message(2) { shape(s, &$0) } } }
        case let .sequence(e):
            w.message(4) { sw in if let e { sw.message(1) { type(e, &$0) } } }
        case let .map(k, v):
            w.message(5) { mw in mw.int32(1, k); if let v { mw.message(2) { type(v, &$0) } } }
        case let .optional(e):
            w.message(9) { ow in if let e { ow.message(1) { type(e, &$0) } } }
        case let .opaque(d, n):
            w.message(7) { $0.string(1, d); $0.string(2, n) }
        }
        w.string(6, t.denotation)
    }

    static func attribute(_ a: Attribute, _ w: inout WireWriter) {
        w.string(1, a.name)
        switch a.value {
        case .undefined: break
        case let .float(f): w.float(2, f)
        case let .int(i): w.int(3, i)
        case let .string(s): w.data(4, s)
        case let .tensor(t): w.message(5) { tensor(t, &$0) }
        case let .graph(g): w.message(6) { graph(g, &$0) }
        case let .floats(fs): w.packedFloats(7, fs)
        case let .ints(is_): w.packedVarints(8, is_.map { UInt64(bitPattern: $0) })
        case let .strings(ss): for s in ss { w.data(9, s) }
        case let .tensors(ts): for t in ts { w.message(10) { tensor(t, &$0) } }
        case let .graphs(gs): for g in gs { w.message(11) { graph(g, &$0) } }
        case let .typeProto(t): w.message(14) { type(t, &$0) }
        case let .typeProtos(ts): for t in ts { w.message(15) { type(t, &$0) } }
        case let .sparseTensor(s): w.message(22) { sparse(s, &$0) }
        case let .sparseTensors(ss): for s in ss { w.message(23) { sparse(s, &$0) } }
        }
        w.string(13, a.docString)
        if a.type != .undefined { w.int32(20, a.type.rawValue) }
        w.string(21, a.refAttrName)
    }

    static func function(_ f: Function, _ w: inout WireWriter) {
        w.string(1, f.name)
        for i in f.inputs { w.data(4, Array(i.utf8)) }
        for o in f.outputs { w.data(5, Array(o.utf8)) }
        for a in f.attributeNames { w.data(6, Array(a.utf8)) }
        for n in f.nodes { w.message(7) { node(n, &$0) } }
        w.string(8, f.docString)
        for o in f.opsetImports { w.message(9) { opset(o, &$0) } }
        w.string(10, f.domain)
        for a in f.attributeDefaults { w.message(11) { attribute(a, &$0) } }
        for v in f.valueInfo { w.message(12) { valueInfo(v, &$0) } }
        w.string(13, f.overload)
        pairs(14, f.metadataProps, &w)
    }

    static func sparse(_ s: SparseTensorData, _ w: inout WireWriter) {
        w.message(1) { tensor(s.values, &$0) }
        w.message(2) { tensor(s.indices, &$0) }
        w.packedVarints(3, s.dims.map { UInt64(bitPattern: $0) })
    }

    static func tensor(_ t: TensorData, _ w: inout WireWriter) {
        w.packedVarints(1, t.dims.map { UInt64(bitPattern: $0) })
        if t.elemType != 0 { w.int32(2, t.elemType) }
        if let s = t.segment { w.message(3) { $0.int(1, s.begin); $0.int(2, s.end) } }
        switch t.payload {
        case .none, .external: break
        case let .raw(v): w.data(9, v)
        case let .strings(ss): for s in ss { w.data(6, s) }
        case let .typed(f):
            for chunk in f.packed { w.data(f.kind.rawValue, chunk) }
            for v in f.loose {
                switch f.kind {
                case .float: w.float(4, Float(bitPattern: UInt32(truncatingIfNeeded: v)))
                case .double:
                    w.tag(10, 1)
                    for i in 0..<8 { w.bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
                case .int32, .int64, .uint64: w.varint(f.kind.rawValue, v)
                }
            }
        }
        w.string(8, t.name)
        w.string(12, t.docString)
        pairs(13, t.externalData, &w)
        if t.dataLocation != 0 { w.int32(14, t.dataLocation) }
        pairs(16, t.metadataProps, &w)
    }

    static func sequenceBody(_ v: DataValue, _ w: inout WireWriter) {
        guard case let .sequence(elem, items) = v else { return }
        w.int32(2, elem)
        for item in items {
            switch item {
            case let .tensor(t): w.message(3) { tensor(t, &$0) }
            case let .sparseTensor(s): w.message(4) { sparse(s, &$0) }
            case .sequence: w.message(5) { sequenceBody(item, &$0) }
            case .map: w.message(6) { mapBody(item, &$0) }
            case .optional: w.message(7) { optionalBody(item, &$0) }
            }
        }
    }

    static func mapBody(_ v: DataValue, _ w: inout WireWriter) {
        guard case let .map(k, ints, strs, values) = v else { return }
        w.int32(2, k)
        w.packedVarints(3, ints.map { UInt64(bitPattern: $0) })
        for s in strs { w.data(4, s) }
        if let values { w.message(5) { sequenceBody(values, &$0) } }
    }

    static func optionalBody(_ v: DataValue, _ w: inout WireWriter) {
        guard case let .optional(elem, inner) = v else { return }
        w.int32(2, elem)
        switch inner {
        case nil: break
        case let .tensor(t)?: w.message(3) { tensor(t, &$0) }
        case let .sparseTensor(s)?: w.message(4) { sparse(s, &$0) }
        case let x? where { if case .sequence = x { return true }; return false }(): w.message(5) { sequenceBody(x, &$0) }
        case let x? where { if case .map = x { return true }; return false }(): w.message(6) { mapBody(x, &$0) }
        case let x?: w.message(7) { optionalBody(x, &$0) }
        }
    }
}

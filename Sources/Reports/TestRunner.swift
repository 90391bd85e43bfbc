#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import OnnxRuntime

/// `onnx-explorer test`: runs ONNX backend-test cases (CASE/model.onnx +
/// CASE/test_data_set_N/{input,output}_K.pb) and compares like the ONNX backend runner.
public enum TestRunner {
    public struct Case: Sendable {
        public var name: String
        public var directory: String
    }

    public enum Status: String, Sendable { case pass, fail, skip }

    public struct Result: Sendable {
        public var name: String
        public var status: Status
        public var reason: String
        /// Op types in the model (qualified, subgraphs included), for the per-op summary.
        public var opTypes: [String]
        public var seconds: Double
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every case under the paths (a path may itself be a case), sorted by name.
    public static func discover(_ paths: [String]) throws(Failure) -> [Case] {
        var out: [Case] = []
        func walk(_ dir: String, depth: Int) {
            if Files.exists(Files.join(dir, "model.onnx")) {
                out.append(Case(name: Files.basename(dir), directory: dir))
                return
            }
            guard depth < 8, let entries = try? Files.list(dir) else { return }
            for e in entries where !e.hasPrefix(".") {
                let p = Files.join(dir, e)
                if Files.isDirectory(p) { walk(p, depth: depth + 1) }
            }
        }
        for p in paths {
            guard Files.exists(p) else { throw Failure(description: "\(p): no such file or directory") }
            if !Files.isDirectory(p) {
                if Files.basename(p) == "model.onnx" { walk(ModelLoader.directoryOf(p), depth: 0); continue }
                throw Failure(description: "\(p): not a directory of backend test cases")
            }
            walk(p, depth: 0)
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Qualified op types of a graph and its subgraphs.
    static func opTypes(_ m: Model) -> [String] {
        var s = Set<String>()
        func walk(_ g: Graph) {
            for n in g.nodes {
                s.insert(n.qualifiedOpType)
                for a in n.attributes { for sg in a.value.graphs { walk(sg) } }
            }
        }
        walk(m.graph)
        for f in m.functions { for n in f.nodes { s.insert(n.qualifiedOpType) } }
        return s.sorted()
    }

    /// Tolerances from a case's data.json ({"rtol": .., "atol": ..}), defaults 1e-3 / 1e-7.
    static func tolerances(_ dir: String) -> (rtol: Double, atol: Double) {
        var rtol = 1e-3, atol = 1e-7
        if let bytes = try? Files.read(Files.join(dir, "data.json")) {
            let text = String(decoding: bytes, as: UTF8.self)
            func number(_ key: String) -> Double? {
                guard let r = text.firstRange(of: "\"\(key)\"") else { return nil }
                let rest = text[r.upperBound...].drop { $0 == " " || $0 == ":" }
                let num = rest.prefix { "0123456789.eE+-".contains($0) }
                return Double(num)
            }
            rtol = number("rtol") ?? rtol
            atol = number("atol") ?? atol
        }
        return (rtol, atol)
    }

    /// Runs one case. `functionBodies`: ops that have a schema function body run from it, not
    /// from their kernel.
    public static func run(_ c: Case, threads: Int = 1, functionBodies: Bool = false) -> Result {
        let t0 = RunClock.now()
        var result = Result(name: c.name, status: .pass, reason: "", opTypes: [], seconds: 0)
        defer { _ = result }
        func finish(_ s: Status, _ reason: String) -> Result {
            result.status = s
            result.reason = reason
            result.seconds = RunClock.seconds(since: t0)
            return result
        }
        let model: Model
        do { model = try ModelLoader.load(path: Files.join(c.directory, "model.onnx")) } catch {
            return finish(.fail, "model: \(error.message)")
        }
        result.opTypes = opTypes(model)
        let sets = ((try? Files.list(c.directory)) ?? []).filter { $0.hasPrefix("test_data_set_") && Files.isDirectory(Files.join(c.directory, $0)) }
        if sets.isEmpty { return finish(.skip, "no test_data_set_N folder") }
        let (rtol, atol) = tolerances(c.directory)
        let initializerNames = Set(model.graph.initializers.map(\.name))
        let feedInfos = model.graph.inputs.filter { !initializerNames.contains($0.name) }
        var options = Interpreter.Options()
        options.keepIntermediates = false
        options.threads = threads
        options.registry.preferFunctionBodies = functionBodies
        let interp = Interpreter(model: model, options: options)
        for set in sets {
            let dir = Files.join(c.directory, set)
            let files = (try? Files.list(dir)) ?? []
            let inputFiles = numbered(files, prefix: "input_")
            let outputFiles = numbered(files, prefix: "output_")
            var feeds: [String: Value] = [:]
            for (k, f) in inputFiles.enumerated() {
                guard k < feedInfos.count else { return finish(.fail, "\(set): \(inputFiles.count) input files for \(feedInfos.count) graph inputs") }
                let info = feedInfos[k]
                do {
                    let data = try ModelLoader.loadData(path: Files.join(dir, f), kind: DataValueKind(info.type))
                    feeds[info.name] = try Value(data: data)
                } catch let e as LoadError {
                    return finish(.fail, "\(set)/\(f): \(e.message)")
                } catch {
                    return finish(.fail, "\(set)/\(f): \(error)")
                }
            }
            let outs: [String: Value]
            do { outs = try interp.run(feeds) } catch {
                return finish(.fail, reason(error))
            }
            guard outputFiles.count == model.graph.outputs.count else {
                return finish(.fail, "\(set): \(outputFiles.count) expected outputs for \(model.graph.outputs.count) graph outputs")
            }
            for (k, f) in outputFiles.enumerated() {
                let info = model.graph.outputs[k]
                let expected: Value
                do {
                    expected = try Value(data: try ModelLoader.loadData(path: Files.join(dir, f), kind: DataValueKind(info.type)))
                } catch let e as LoadError {
                    return finish(.fail, "\(set)/\(f): \(e.message)")
                } catch {
                    return finish(.fail, "\(set)/\(f): \(error)")
                }
                guard let actual = outs[info.name] else { return finish(.fail, "output '\(info.name)' was not produced") }
                if let why = compare(actual, expected, rtol: rtol, atol: atol) {
                    return finish(.fail, "output '\(info.name)': \(why)")
                }
            }
        }
        return finish(.pass, "")
    }

    /// The failure reason for a runtime error: "unsupported op X" for missing kernels.
    static func reason(_ error: Error) -> String {
        if let e = error as? RuntimeError {
            if e.kind == .unsupportedOp, let op = e.opType { return "unsupported op \(op)" }
            return e.description
        }
        return "\(error)"
    }

    /// `input_0.pb, input_1.pb, ...` in numeric order.
    static func numbered(_ files: [String], prefix: String) -> [String] {
        files.compactMap { f -> (Int, String)? in
            guard f.hasPrefix(prefix), f.hasSuffix(".pb"), let n = Int(f.dropFirst(prefix.count).dropLast(3)) else { return nil }
            return (n, f)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: - Comparison

    /// nil when `actual` matches `expected` like the ONNX backend checks it; otherwise why not.
    public static func compare(_ actual: Value, _ expected: Value, rtol: Double = 1e-3, atol: Double = 1e-7) -> String? {
        switch (actual, expected) {
        case let (.tensor(a), .tensor(e)):
            return compare(a, e, rtol: rtol, atol: atol)
        case let (.sequence(a), .sequence(e)):
            guard a.elements.count == e.elements.count else { return "sequence of \(a.elements.count) vs expected \(e.elements.count)" }
            for (i, (x, y)) in zip(a.elements, e.elements).enumerated() {
                if let why = compare(x, y, rtol: rtol, atol: atol) { return "element \(i): \(why)" }
            }
            return nil
        case let (.optional(a), .optional(e)):
            switch (a, e) {
            case (nil, nil): return nil
            case (nil, _): return "optional is empty, expected a value"
            case (_, nil): return "optional holds a value, expected empty"
            case let (x?, y?): return compare(x, y, rtol: rtol, atol: atol)
            }
        case let (.optional(a?), e):
            return compare(a, e, rtol: rtol, atol: atol)
        case let (a, .optional(e?)):
            return compare(a, e, rtol: rtol, atol: atol)
        case let (.map(a), .map(e)):
            if let why = compare(a.keys, e.keys, rtol: 0, atol: 0) { return "keys: \(why)" }
            guard a.values.count == e.values.count else { return "map has \(a.values.count) values, expected \(e.values.count)" }
            for (i, (x, y)) in zip(a.values, e.values).enumerated() {
                if let why = compare(x, y, rtol: rtol, atol: atol) { return "value \(i): \(why)" }
            }
            return nil
        default:
            return "got a \(actual.kindText), expected a \(expected.kindText)"
        }
    }

    static func compare(_ a: Tensor, _ e: Tensor, rtol: Double, atol: Double) -> String? {
        guard a.dtype == e.dtype else { return "dtype \(a.dtype.name) vs expected \(e.dtype.name)" }
        guard a.shape == e.shape else { return "shape \(shapeString(a.shape)) vs expected \(shapeString(e.shape))" }
        if a.dtype == .string {
            for i in 0..<a.count where a.strings[i] != e.strings[i] {
                return "value at index \(i) is '\(a.strings[i])', expected '\(e.strings[i])'"
            }
            return nil
        }
        if a.dtype.isInteger || a.dtype == .bool {
            let x = (try? Cast.convert(a, to: .int64))?.elements(as: Int64.self) ?? []
            let y = (try? Cast.convert(e, to: .int64))?.elements(as: Int64.self) ?? []
            if a.dtype == .uint64 {
                let xu = a.elements(as: UInt64.self), yu = e.elements(as: UInt64.self)
                var bad = 0, first = -1
                for i in 0..<xu.count where xu[i] != yu[i] { bad += 1; if first < 0 { first = i } }
                return bad == 0 ? nil : "\(bad) of \(a.count) values differ, first at index \(first): \(xu[first]) vs expected \(yu[first])"
            }
            var bad = 0, first = -1
            for i in 0..<x.count where x[i] != y[i] {
                let diff = Double(x[i]) - Double(y[i])
                if abs(diff) <= atol + rtol * abs(Double(y[i])) { continue }
                bad += 1
                if first < 0 { first = i }
            }
            return bad == 0 ? nil : "\(bad) of \(a.count) values differ, first at index \(first): \(x[first]) vs expected \(y[first])"
        }
        let (xa, ya): ([Double], [Double])
        if a.dtype.isComplex {
            let part: DataType = a.dtype == .complex64 ? .float : .double
            func parts(_ t: Tensor) -> [Double] {
                let r = t.reinterpretedParts(as: part)
                return (0..<r.count).map { r.doubleValue(at: $0) }
            }
            (xa, ya) = (parts(a), parts(e))
        } else {
            (xa, ya) = ((0..<a.count).map { a.doubleValue(at: $0) }, (0..<e.count).map { e.doubleValue(at: $0) })
        }
        var bad = 0, worst = -1
        var worstAbs = 0.0
        for i in 0..<xa.count {
            let x = xa[i], y = ya[i]
            if x.isNaN && y.isNaN { continue }
            if x == y { continue }
            let diff = abs(x - y)
            if !(diff <= atol + rtol * abs(y)) {
                bad += 1
                if worst < 0 || diff > worstAbs || diff.isNaN { worst = i; worstAbs = diff.isNaN ? .infinity : diff }
            }
        }
        if bad == 0 { return nil }
        let rel = ya[worst] == 0 ? Double.infinity : worstAbs / abs(ya[worst])
        return "max abs error \(fmt(worstAbs)) (rel \(fmt(rel))) at index \(worst): \(fmt(xa[worst])) vs expected \(fmt(ya[worst])); \(bad) of \(xa.count) values differ"
    }

    static func fmt(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(Float(d))"
    }
}

/// `[1,3,224,224]`.
func shapeString(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ",") + "]" }

extension Tensor {
    /// A complex tensor viewed as its real/imaginary parts (twice the elements).
    func reinterpretedParts(as part: DataType) -> Tensor {
        Tensor(dtype: part, shape: [count * 2], buffer: buffer)
    }
}

/// Monotonic time without Foundation.
enum RunClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func seconds(since t0: UInt64) -> Double { Double(now() &- t0) / 1e9 }
}

import OnnxModel

/// The decision-tree evaluator shared by TreeEnsembleClassifier, TreeEnsembleRegressor and
/// TreeEnsemble: trees as flat node arrays (children by absolute index), leaves holding
/// (target, weight) pairs, and the aggregation rules of onnxruntime (sums per target in the
/// threshold type, base values added at the end, targets no leaf reached reported as 0).
struct TreeEnsembleEngine: Sendable {
    enum Mode: UInt8, Sendable { case leq, lt, gte, gt, eq, neq, member, leaf }
    enum Aggregate: Sendable { case average, sum, min, max }

    struct Node: Sendable {
        var mode: Mode
        var feature: Int
        var threshold: Double
        var trueNext: Int
        var falseNext: Int
        var missingTrue: Bool
        /// Leaves: range into `weightTargets` / `weightValues`.
        var weightStart: Int
        var weightCount: Int
        /// BRANCH_MEMBER: index into `memberSets`.
        var memberSet: Int
    }

    var nodes: [Node] = []
    var roots: [Int] = []
    var weightTargets: [Int] = []
    var weightValues: [Double] = []
    var memberSets: [Set<Double>] = []
    var maxFeature = -1
    var targets = 0

    static func mode(_ s: String) throws(KernelError) -> Mode {
        switch s {
        case "BRANCH_LEQ": return .leq
        case "BRANCH_LT": return .lt
        case "BRANCH_GTE": return .gte
        case "BRANCH_GT": return .gt
        case "BRANCH_EQ": return .eq
        case "BRANCH_NEQ": return .neq
        case "LEAF": return .leaf
        default: throw KernelError("node mode '\(s)' is not a BRANCH_* mode or LEAF")
        }
    }

    /// The tree attributes of TreeEnsembleClassifier / TreeEnsembleRegressor (ai.onnx.ml 1 and 3).
    /// `prefix` is "class" or "target" (class_ids / target_ids and so on).
    init(legacy node: NodeContext, prefix: String, targets: Int) throws(KernelError) {
        func ints(_ name: String) throws(KernelError) -> [Int] { try node.ints(name) ?? [] }
        let treeIds = try ints("nodes_treeids"), nodeIds = try ints("nodes_nodeids")
        let featureIds = try ints("nodes_featureids"), modes = try node.strings("nodes_modes") ?? []
        let trueIds = try ints("nodes_truenodeids"), falseIds = try ints("nodes_falsenodeids")
        let missing = try ints("nodes_missing_value_tracks_true")
        let values = try ML.floatsOrTensor(node, "nodes_values") ?? []
        let n = treeIds.count
        for (name, c) in [("nodes_nodeids", nodeIds.count), ("nodes_featureids", featureIds.count), ("nodes_modes", modes.count),
                          ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count)] where c != n {
            throw KernelError("\(name) has \(c) values, nodes_treeids \(n)")
        }
        guard values.count == n else { throw KernelError("nodes_values has \(values.count) values for \(n) nodes") }
        guard missing.isEmpty || missing.count == n else { throw KernelError("nodes_missing_value_tracks_true has \(missing.count) values for \(n) nodes") }
        let wTree = try ints(prefix + "_treeids"), wNode = try ints(prefix + "_nodeids"), wTarget = try ints(prefix + "_ids")
        let wValue = try ML.floatsOrTensor(node, prefix + "_weights") ?? []
        guard wTree.count == wNode.count, wTree.count == wTarget.count, wValue.count == wTree.count else {
            throw KernelError("\(prefix)_treeids, \(prefix)_nodeids, \(prefix)_ids and \(prefix)_weights differ in length")
        }
        self.targets = targets
        struct Key: Hashable { var tree: Int; var node: Int }
        var index: [Key: Int] = [:]
        index.reserveCapacity(n)
        for i in 0..<n {
            let key = Key(tree: treeIds[i], node: nodeIds[i])
            guard index[key] == nil else { throw KernelError("node \(nodeIds[i]) of tree \(treeIds[i]) is defined twice") }
            index[key] = i
            let m = try TreeEnsembleEngine.mode(modes[i])
            if m != .leaf { maxFeature = Swift.max(maxFeature, featureIds[i]) }
            guard m == .leaf || featureIds[i] >= 0 else { throw KernelError("node \(i) has a negative feature id") }
            nodes.append(Node(mode: m, feature: featureIds[i], threshold: values[i], trueNext: 0, falseNext: 0,
                              missingTrue: i < missing.count && missing[i] == 1, weightStart: 0, weightCount: 0, memberSet: 0))
        }
        for i in 0..<n where nodes[i].mode != .leaf {
            guard let t = index[Key(tree: treeIds[i], node: trueIds[i])] else { throw KernelError("true node \(trueIds[i]) of tree \(treeIds[i]) does not exist") }
            guard let f = index[Key(tree: treeIds[i], node: falseIds[i])] else { throw KernelError("false node \(falseIds[i]) of tree \(treeIds[i]) does not exist") }
            guard t != i, f != i else { throw KernelError("node \(nodeIds[i]) of tree \(treeIds[i]) points to itself") }
            nodes[i].trueNext = t
            nodes[i].falseNext = f
        }
        // Weights in (tree, node, position) order; weights on branch nodes are ignored.
        let order = (0..<wTree.count).sorted { (wTree[$0], wNode[$0], $0) < (wTree[$1], wNode[$1], $1) }
        var grouped: [Int: [Int]] = [:]
        for w in order {
            guard let i = index[Key(tree: wTree[w], node: wNode[w])] else {
                throw KernelError("weight \(w) refers to node \(wNode[w]) of tree \(wTree[w]), which does not exist")
            }
            guard nodes[i].mode == .leaf else { continue }
            guard wTarget[w] >= 0 && wTarget[w] < Swift.max(targets, 1) else {
                throw KernelError("\(prefix)_ids value \(wTarget[w]) is out of range for \(targets) target(s)")
            }
            grouped[i, default: []].append(w)
        }
        for i in 0..<n {
            guard let ws = grouped[i] else { continue }
            nodes[i].weightStart = weightTargets.count
            nodes[i].weightCount = ws.count
            for w in ws { weightTargets.append(wTarget[w]); weightValues.append(wValue[w]) }
        }
        var previous: Int? = nil
        for i in 0..<n {
            if previous != treeIds[i] { roots.append(i) }
            previous = treeIds[i]
        }
    }

    /// The attributes of TreeEnsemble (ai.onnx.ml 5): nodes and leaves in separate arrays.
    init(v5 node: NodeContext, dtype: DataType) throws(KernelError) {
        func ints(_ name: String) throws(KernelError) -> [Int] { try node.ints(name) ?? [] }
        func tensor(_ name: String) throws(KernelError) -> Tensor? { try node.tensor(name) }
        let featureIds = try ints("nodes_featureids"), trueIds = try ints("nodes_truenodeids"), falseIds = try ints("nodes_falsenodeids")
        let trueLeafs = try ints("nodes_trueleafs"), falseLeafs = try ints("nodes_falseleafs")
        let missing = try ints("nodes_missing_value_tracks_true")
        let leafTargets = try ints("leaf_targetids")
        let roots = try ints("tree_roots")
        guard let modesT = try tensor("nodes_modes") else { throw KernelError("required attribute 'nodes_modes' is missing") }
        guard let splitsT = try tensor("nodes_splits") else { throw KernelError("required attribute 'nodes_splits' is missing") }
        guard let weightsT = try tensor("leaf_weights") else { throw KernelError("required attribute 'leaf_weights' is missing") }
        let modes = try modesT.intValues()
        let splits = try ML.doubles(splitsT), weights = try ML.doubles(weightsT)
        let members = try tensor("membership_values").map { t throws(KernelError) in try ML.doubles(t) }
        let n = featureIds.count
        for (name, c) in [("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count), ("nodes_trueleafs", trueLeafs.count),
                          ("nodes_falseleafs", falseLeafs.count), ("nodes_modes", modes.count), ("nodes_splits", splits.count)] where c != n {
            throw KernelError("\(name) has \(c) values, nodes_featureids \(n)")
        }
        guard missing.isEmpty || missing.count == n else { throw KernelError("nodes_missing_value_tracks_true has \(missing.count) values for \(n) nodes") }
        guard leafTargets.count == weights.count else { throw KernelError("leaf_targetids has \(leafTargets.count) values, leaf_weights \(weights.count)") }
        let targets = try node.int("n_targets") ?? 0
        guard targets > 0 else { throw KernelError("n_targets must be positive") }
        self.targets = targets
        _ = dtype
        var memberIterator = (members ?? []).makeIterator()
        for i in 0..<n {
            let m: Mode
            switch modes[i] {
            case 0: m = .leq
            case 1: m = .lt
            case 2: m = .gte
            case 3: m = .gt
            case 4: m = .eq
            case 5: m = .neq
            case 6: m = .member
            default: throw KernelError("nodes_modes value \(modes[i]) is not in 0...6")
            }
            var set = 0
            if m == .member {
                guard members != nil else { throw KernelError("BRANCH_MEMBER node \(i) needs membership_values") }
                var s = Set<Double>()
                while let v = memberIterator.next(), !v.isNaN { s.insert(v) }
                set = memberSets.count
                memberSets.append(s)
            }
            guard featureIds[i] >= 0 else { throw KernelError("node \(i) has a negative feature id") }
            maxFeature = Swift.max(maxFeature, featureIds[i])
            nodes.append(Node(mode: m, feature: featureIds[i], threshold: splits[i], trueNext: 0, falseNext: 0,
                              missingTrue: i < missing.count && missing[i] == 1, weightStart: 0, weightCount: 0, memberSet: set))
        }
        for (j, t) in leafTargets.enumerated() {
            guard t >= 0 && t < targets else { throw KernelError("leaf_targetids value \(t) is out of range for \(targets) targets") }
            nodes.append(Node(mode: .leaf, feature: 0, threshold: 0, trueNext: 0, falseNext: 0, missingTrue: false,
                              weightStart: j, weightCount: 1, memberSet: 0))
            weightTargets.append(t)
            weightValues.append(weights[j])
        }
        func target(_ id: Int, leaf: Bool) throws(KernelError) -> Int {
            if leaf {
                guard id >= 0 && id < leafTargets.count else { throw KernelError("leaf index \(id) is out of range for \(leafTargets.count) leaves") }
                return n + id
            }
            guard id >= 0 && id < n else { throw KernelError("node index \(id) is out of range for \(n) nodes") }
            return id
        }
        for i in 0..<n {
            nodes[i].trueNext = try target(trueIds[i], leaf: trueLeafs[i] != 0)
            nodes[i].falseNext = try target(falseIds[i], leaf: falseLeafs[i] != 0)
            guard nodes[i].trueNext != i, nodes[i].falseNext != i else { throw KernelError("node \(i) points to itself") }
        }
        for r in roots {
            guard r >= 0 && r < n else { throw KernelError("tree root \(r) is out of range for \(n) nodes") }
            // A tree that is a single leaf: both branches name the same leaf.
            if trueLeafs[r] != 0 && falseLeafs[r] != 0 && trueIds[r] == falseIds[r] {
                self.roots.append(try target(r, leaf: true))
            } else {
                self.roots.append(r)
            }
        }
    }

    /// The leaf reached from `root` for one row of features.
    @inline(__always)
    func leaf(from root: Int, _ x: UnsafePointer<Double>) throws(KernelError) -> Int {
        var i = root
        var steps = 0
        while true {
            let nd = nodes[i]
            if nd.mode == .leaf { return i }
            let v = x[nd.feature]
            let go: Bool
            switch nd.mode {
            case .leq: go = v <= nd.threshold
            case .lt: go = v < nd.threshold
            case .gte: go = v >= nd.threshold
            case .gt: go = v > nd.threshold
            case .eq: go = v == nd.threshold
            case .neq: go = v != nd.threshold
            case .member: go = memberSets[nd.memberSet].contains(v)
            case .leaf: go = false
            }
            i = (go || (nd.missingTrue && v.isNaN)) ? nd.trueNext : nd.falseNext
            steps += 1
            if steps > nodes.count { throw KernelError("tree starting at node \(root) has a cycle") }
        }
    }

    /// Feature rows as Double the way the comparisons see them: float and double exactly,
    /// integers through float (onnxruntime compares them with float thresholds).
    static func features(_ x: Tensor) throws(KernelError) -> (n: Int, c: Int, values: [Double]) {
        guard x.rank == 1 || x.rank == 2 else { throw KernelError("X must be 1-D or 2-D, got \(shapeText(x.shape))") }
        let n = x.rank == 1 ? 1 : x.shape[0]
        let c = x.rank == 1 ? x.shape[0] : x.shape[1]
        let v: [Double]
        switch x.dtype {
        case .double: v = x.elements(as: Double.self)
        case .float, .float16: v = try ML.doubles(x)
        case .int64, .int32: v = try ML.floats(x).map { Double($0) }
        default: throw KernelError("X must be float, double, int64 or int32, got \(x.dtype.name)")
        }
        return (n, c, v)
    }

    /// Per-row raw aggregation: for each target the aggregated value and whether any leaf hit it.
    /// With one target, leaves contribute their first weight (onnxruntime's single-output path).
    func aggregate<A: FloatElement>(_ x: [Double], n: Int, c: Int, _ agg: Aggregate, _: A.Type) throws(KernelError) -> (scores: [A], has: [Bool]) {
        guard maxFeature < c else { throw KernelError("a tree reads feature \(maxFeature) but X has \(c) features") }
        let t = targets
        var scores = [A](repeating: 0, count: n * t)
        var has = [Bool](repeating: false, count: n * t)
        try x.withUnsafeBufferPointer { (xb: UnsafeBufferPointer<Double>) throws(KernelError) in
            for r in 0..<n {
                let row = xb.baseAddress! + r * c
                for root in roots {
                    let l = nodes[try leaf(from: root, row)]
                    guard l.weightCount > 0 else { continue }
                    let range = t == 1 ? l.weightStart..<(l.weightStart + 1) : l.weightStart..<(l.weightStart + l.weightCount)
                    for w in range {
                        let k = r * t + (t == 1 ? 0 : weightTargets[w])
                        let v = A(weightValues[w])
                        switch agg {
                        case .sum, .average: scores[k] += v
                        case .min: scores[k] = has[k] ? Swift.min(scores[k], v) : v
                        case .max: scores[k] = has[k] ? Swift.max(scores[k], v) : v
                        }
                        has[k] = true
                    }
                }
            }
        }
        return (scores, has)
    }

    /// Regression outputs: base values, averaging and the post transform, as Float rows of `targets`.
    func regress<A: FloatElement>(_ x: [Double], n: Int, c: Int, _ agg: Aggregate, base: [Double], post: ML.PostTransform, _: A.Type) throws(KernelError) -> [A] {
        let (scores, has) = try aggregate(x, n: n, c: c, agg, A.self)
        let t = targets
        let trees = A(roots.count)
        var out = [A](repeating: 0, count: n * t)
        if t == 1 {
            let origin = base.count == 1 ? A(base[0]) : 0
            for r in 0..<n {
                var s = scores[r]
                switch agg {
                case .sum: s += origin
                case .average: s = s / trees + origin
                case .min, .max: s = has[r] ? s + origin : origin
                }
                out[r] = post == .probit ? A(Double(ML.probit(Float(s.asDouble)))) : s
            }
            return out
        }
        let useBase = base.count == t
        var row = [Float](repeating: 0, count: t)
        for r in 0..<n {
            for j in 0..<t {
                let k = r * t + j
                var s = scores[k]
                switch agg {
                case .sum: if useBase { s += A(base[j]) }
                case .average: s = s / trees + (useBase ? A(base[j]) : 0)
                case .min, .max: s = (useBase ? A(base[j]) : 0) + (has[k] ? s : 0)
                }
                row[j] = has[k] ? Float(s.asDouble) : 0
            }
            var slice = row[...]
            ML.transformRow(&slice, post)
            for j in 0..<t { out[r * t + j] = A(Double(slice[slice.startIndex + j])) }
        }
        return out
    }
}

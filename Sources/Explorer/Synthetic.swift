import OnnxModel

/// Generated models for the UI benchmark and tests (no file needed).
public enum SyntheticModel {
    /// A chain of `nodes` Add/Mul/Relu nodes named like an exported transformer
    /// (`/model/layers.I/block.J/Op_K`), with one initializer per 10 nodes.
    public static func chain(nodes n: Int) -> Model {
        var m = Model()
        m.irVersion = 9
        m.producerName = "synthetic"
        m.opsetImports = [OpsetImport(domain: "", version: 17)]
        m.source.path = "<synthetic \(n) nodes>"
        var g = Graph()
        g.name = "synthetic"
        g.inputs = [ValueInfo(name: "x", type: .tensor(.float, [.param("N"), .value(16)]))]
        var nodes: [Node] = []
        nodes.reserveCapacity(n)
        var inits: [TensorData] = []
        var prev = "x"
        let ops = ["MatMul", "Add", "Relu", "Mul", "Sigmoid"]
        for i in 0..<n {
            let layer = i / 100, block = (i / 10) % 10
            let op = ops[i % ops.count]
            let name = "/model/layers.\(layer)/block.\(block)/\(op)_\(i)"
            let out = name + "_output_0"
            var inputs = [prev]
            if op == "MatMul" || op == "Add" || op == "Mul" {
                let w = "w\(i)"
                inputs.append(w)
                if i % 10 == 0 {
                    inits.append(TensorData(name: w, type: .float, dims: [16], raw: [UInt8](repeating: 0, count: 64)))
                } else {
                    inputs[1] = prev
                }
            }
            nodes.append(Node(opType: op, name: name, inputs: inputs, outputs: [out]))
            prev = out
        }
        g.nodes = nodes
        g.initializers = inits
        g.outputs = [ValueInfo(name: prev, type: .tensor(.float, [.param("N"), .value(16)]))]
        m.graph = g
        return m
    }
}

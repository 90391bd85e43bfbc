/// Folds a variadic op's inputs pairwise with broadcasting (Min, Max, Sum, Mean).
enum Variadic {
    static func fold<F: BinaryFloatFunction & BinaryIntFunction>(_ inputs: [Value?], _ f: F, op: String) throws(KernelError) -> Tensor {
        var acc = try inputs.tensor(0)
        for i in 1..<max(inputs.count, 1) {
            acc = try Dispatch.binary(acc, try inputs.tensor(i), numeric: f, op: op)
        }
        return acc
    }
}

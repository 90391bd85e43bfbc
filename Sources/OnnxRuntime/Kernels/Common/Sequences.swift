extension Array where Element == Value? {
    /// Input `i` as a sequence.
    func sequence(_ i: Int) throws(KernelError) -> SequenceValue {
        let v = try value(i)
        guard case let .sequence(s) = v else { throw KernelError("input \(i) is a \(v.kindText), expected a sequence") }
        return s
    }
}

enum SequencePosition {
    /// A position in [-n, n) (or [-n, n] when inserting), normalised.
    static func resolve(_ t: Tensor?, count n: Int, inserting: Bool) throws(KernelError) -> Int {
        guard let t else { return inserting ? n : n - 1 }
        guard t.count == 1 else { throw KernelError("position must be a scalar") }
        var p = try t.intValues()[0]
        let upper = inserting ? n : n - 1
        guard p >= -n && p <= upper else { throw KernelError("position \(p) is out of range for a sequence of \(n)") }
        if p < 0 { p += n }
        return p
    }
}

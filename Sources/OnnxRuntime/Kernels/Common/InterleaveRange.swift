extension Movement {
    /// The part of `interleave`'s output in flat range `r`: the output is block k of input k for
    /// every outer index in turn; only the pieces of blocks inside `r` are copied, so threads
    /// given disjoint ranges write disjoint memory.
    static func interleaveRange<T>(_ dp: UnsafeMutablePointer<T>, _ r: Swift.Range<Int>, _ ptrs: [UnsafePointer<T>?],
                                   blocks: [Int], outer: Int) {
        let per = blocks.reduce(0, +)
        guard per > 0 else { return }
        // Start at the outer index holding r's first element.
        var o = r.lowerBound / per, w = o * per
        while o < outer && w < r.upperBound {
            for (k, b) in blocks.enumerated() where b > 0 {
                let lo = Swift.max(w, r.lowerBound), hi = Swift.min(w + b, r.upperBound)
                if hi > lo { (dp + lo).update(from: ptrs[k]! + o &* b + (lo - w), count: hi - lo) }
                w += b
            }
            o += 1
        }
    }
}

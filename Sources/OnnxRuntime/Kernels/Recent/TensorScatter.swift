import OnnxModel

extension Recent {
    /// TensorScatter: writes `update` into a copy of `past_cache` along the sequence axis, at
    /// write_indices[batch] (0 without them), wrapping around in "circular" mode.
    public struct TensorScatter: OpKernel {
        public static let sinceVersions = [24]
        let circular: Bool
        let axis: Int

        public init(_ node: NodeContext) throws {
            switch try node.string("mode", default: "linear") {
            case "linear": circular = false
            case "circular": circular = true
            case let m: throw KernelError("mode '\(m)' is not one of linear, circular")
            }
            axis = try node.int("axis", default: -2)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let past = try inputs.tensor(0), update = try inputs.tensor(1)
            guard past.dtype == update.dtype else { throw KernelError("update is \(update.dtype.name), past_cache \(past.dtype.name)") }
            guard past.rank >= 2, past.rank == update.rank else {
                throw KernelError("past_cache \(shapeText(past.shape)) and update \(shapeText(update.shape)) must have the same rank, at least 2")
            }
            let a = try Shapes.axis(axis, rank: past.rank)
            guard a > 0 else { throw KernelError("axis must not be the batch axis") }
            for d in 0..<past.rank where d != a && past.shape[d] != update.shape[d] {
                throw KernelError("update \(shapeText(update.shape)) does not match past_cache \(shapeText(past.shape)) in dimension \(d)")
            }
            let maxLen = past.shape[a], len = update.shape[a]
            guard len <= maxLen else { throw KernelError("update has \(len) positions, the cache \(maxLen)") }
            let batch = past.shape[0]
            let writes = try inputs.optionalTensor(2).map { t throws(KernelError) in try t.intValues() } ?? [Int](repeating: 0, count: batch)
            guard writes.count == batch else { throw KernelError("write_indices has \(writes.count) values for a batch of \(batch)") }
            let outer = Tensor.elementCount(Array(past.shape[..<a]))
            let inner = Tensor.elementCount(Array(past.shape[(a + 1)...]))
            let perBatch = batch == 0 ? 0 : outer / batch
            var at = [Int](repeating: 0, count: update.count)  // flat cache position of each update element
            for o in 0..<outer {
                let w = writes[o / max(perBatch, 1)]
                for s in 0..<len {
                    var c = w + s
                    if circular { c = maxLen == 0 ? 0 : ((c % maxLen) + maxLen) % maxLen }
                    guard c >= 0 && c < maxLen else { throw KernelError("write index \(w + s) is outside the cache of \(maxLen)") }
                    for i in 0..<inner { at[(o * len + s) * inner + i] = (o * maxLen + c) * inner + i }
                }
            }
            return [.tensor(try Movement.scatter(past, indices: at, updates: update, reduction: "none"))]
        }
    }
}

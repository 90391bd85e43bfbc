import OnnxModel
import Synchronization

/// A node's outputs as an event reports them: the kernel's own array, padded with nil up to the
/// node's declared output count (optional outputs a kernel leaves out). Sharing the kernel's array
/// spares every observed node an allocation and a retain per output.
public struct NodeOutputs: RandomAccessCollection, Sendable {
    let produced: [Value]
    public let count: Int
    /// The output at `deferred.position`, when the run did not compute it (see DeferredValue).
    let deferred: DeferredValue?
    init(_ produced: [Value], count: Int, deferred: DeferredValue? = nil) {
        self.produced = produced
        self.count = count
        self.deferred = deferred
    }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    /// Output `k`; a deferred one is computed on first access.
    public subscript(k: Int) -> Value? {
        if let d = deferred, d.position == k { return d.value }
        return k < produced.count ? produced[k] : nil
    }
    /// Bytes held by output `k` (0 when absent), read in place: no copy, nothing computed.
    public func byteCount(at k: Int) -> Int {
        if let d = deferred, d.position == k { return d.byteCount }
        return k < produced.count ? produced[k].byteCount : 0
    }
    /// Output `k`'s type, shape and NaN/infinity status when the run did not compute its values
    /// (reading them through the subscript computes them); nil for values the run has.
    public func deferredInfo(at k: Int) -> DeferredValue? {
        if let d = deferred, d.position == k { return d }
        return nil
    }
}

/// A node's inputs as an event reports them (the array the kernel read), with one of them
/// possibly deferred: the Conv output a fused activation read, when the run did not keep it.
public struct NodeInputs: RandomAccessCollection, Sendable {
    let given: [Value?]
    /// Replaces given[deferredAt] when set.
    let deferred: DeferredValue?
    let deferredAt: Int
    init(_ given: [Value?], deferred: DeferredValue? = nil, at position: Int = -1) {
        self.given = given
        self.deferred = deferred
        deferredAt = position
    }
    public var startIndex: Int { 0 }
    public var endIndex: Int { given.count }
    public subscript(k: Int) -> Value? {
        if let d = deferred, deferredAt == k { return d.value }
        return given[k]
    }
    public func deferredInfo(at k: Int) -> DeferredValue? { deferredAt == k ? deferred : nil }
}

/// A value the run knows the type, shape and NaN/infinity status of without having computed it:
/// the output of a Conv whose activation ran in the same pass (Fusion), in a run that would have
/// dropped it right after anyway (GraphPlan.recomputable). Writing it out cost a fused MobileNet
/// block as much as the Conv itself; an observer that looks at its values gets them computed
/// again, bit for bit, by the unfused kernel from the inputs the event holds.
public final class DeferredValue: @unchecked Sendable {
    /// The output's position among its node's outputs.
    let position: Int
    public let dtype: DataType
    public let shape: [Int]
    public let byteCount: Int
    /// Whether any element is a NaN or an infinity (found by the fused kernel).
    public let anyNonFinite: Bool
    private let compute: () -> Value?
    private let cache = Mutex<Value??>(nil)

    init(position: Int, dtype: DataType, shape: [Int], anyNonFinite: Bool, compute: @escaping () -> Value?) {
        self.position = position
        self.dtype = dtype
        self.shape = shape
        byteCount = Tensor.elementCount(shape) * (dtype.storageSize ?? 0)
        self.anyNonFinite = anyNonFinite
        self.compute = compute
    }

    /// Computed once, on first access (nil if the kernel fails, which it did not the first time).
    public var value: Value? {
        cache.withLock { c in
            if let v = c { return v }
            let v = compute()
            c = .some(v)
            return v
        }
    }

    /// Whether the values have been computed (tests, and observers that care).
    public var isComputed: Bool { cache.withLock { $0 != nil } }
}

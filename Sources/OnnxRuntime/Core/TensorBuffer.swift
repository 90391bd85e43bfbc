#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import Synchronization

/// The bytes behind a tensor: either owned, 64-byte aligned memory, or a borrowed window onto
/// the mapped model file (initializers whose bytes are already in runtime layout and aligned).
/// Immutable once a kernel has finished filling it: tensors share buffers freely.
public final class TensorBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    /// The mapped file (or other owner) a borrowed buffer points into; nil when owned.
    private let borrowedFrom: (any ByteOwner)?

    /// Owned memory of `byteCount` bytes, zero-filled when `zeroed`.
    public init(byteCount: Int, zeroed: Bool = false) {
        let n = BufferPool.sizeClass(max(byteCount, 1))
        base = BufferPool.shared.take(n) ?? TensorBuffer.allocate(n)
        if zeroed { base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1)) }
        self.byteCount = byteCount
        borrowedFrom = nil
    }

    /// Transparent huge pages are 2 MiB.
    static let hugePageSize = 2 << 20
    /// Buffers of at least this size are 2 MiB aligned, rounded up to whole 2 MiB pages and marked
    /// MADV_HUGEPAGE: with 4 KiB pages, Whisper's 54 MB attention scores ran its encoder in 495 ms
    /// instead of 310. Only from 8 MiB: a huge page is resident as a whole once touched, so a
    /// 2.1 MiB tensor cost 4 MiB, and faulting in zeroed 2 MiB pages for the growing
    /// concatenations of the light DenseNet-121 took it from 52 to 86 ms and its peak RSS from 137
    /// to 296 MB.
    static let hugePageThreshold = 8 << 20

    static func allocate(_ n: Int) -> UnsafeMutableRawPointer {
        guard n >= hugePageThreshold else { return UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 64) }
        let size = (n + hugePageSize - 1) & ~(hugePageSize - 1)
        let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: hugePageSize)
        #if canImport(Glibc)
        _ = madvise(p, size, MADV_HUGEPAGE)
        #endif
        return p
    }

    /// Borrows `view` when its start is aligned for `alignment`; nil otherwise (the caller copies).
    public init?(borrowing view: ByteView, alignment: Int) {
        guard let start = view.owner.baseAddress, view.count > 0 else { return nil }
        let p = start + view.offset
        guard Int(bitPattern: p) % max(alignment, 1) == 0 else { return nil }
        base = UnsafeMutableRawPointer(mutating: p)
        byteCount = view.count
        borrowedFrom = view.owner
    }

    /// True when the bytes live in a mapped file rather than in memory this process allocated.
    public var isBorrowed: Bool { borrowedFrom != nil }

    deinit {
        if borrowedFrom == nil {
            let n = BufferPool.sizeClass(max(byteCount, 1))
            if !BufferPool.shared.give(base, n) { base.deallocate() }
        }
    }
}

/// Recycles large tensor allocations by size class. Running the same model again (the debugger's
/// restart, `bench`) then reuses memory whose pages are already mapped instead of faulting in
/// fresh pages for every intermediate. Bounded; small buffers go straight back to malloc.
final class BufferPool: Sendable {
    static let shared = BufferPool()
    /// Only buffers at least this large are pooled (malloc handles small ones well).
    static let minimumSize = 64 * 1024
    /// Total bytes kept in the pool at most.
    static let capacity = 256 * 1024 * 1024

    /// Pooled bytes a miss leaves in place (more is freed, oldest first). Reuse across runs stays
    /// high (a run's sizes repeat in the next one) while stale sizes cannot pile up to `capacity`.
    /// (Measured on densenet121: 32 MB cut the peak from 142 to 110 MB; 64 MB did not help.)
    static let slack = 32 * 1024 * 1024

    /// The allocation size for a request of `n` bytes: pooled sizes are rounded up to one of 8
    /// classes per power of two, so a freed buffer serves the many nearby sizes of a later node
    /// (exact sizes left most pooled memory unused while new buffers were allocated beside it).
    /// The rounded-up tail is never written, so it costs no resident memory.
    @inline(__always)
    static func sizeClass(_ n: Int) -> Int {
        guard n >= minimumSize else { return SmallBuffers.sizeClass(n) }
        let step = 1 << (Int.bitWidth - n.leadingZeroBitCount - 1 - 3)
        return (n + step - 1) & ~(step - 1)
    }

    struct State {
        /// Free buffers by size, as addresses.
        var free: [Int: [UInt]] = [:]
        /// Sizes in the order they were given back, oldest first (from `head` on; entries whose
        /// buffer was taken again are skipped lazily through `free`).
        var order: [Int] = []
        var head = 0
        var bytes = 0
    }

    private let state = Mutex(State())
    private let small = SmallBuffers()

    /// Bytes currently held for reuse.
    var pooledBytes: Int { state.withLock { $0.bytes } }

    /// A pooled buffer of exactly `size` bytes (a size class), or nil. A miss also frees the
    /// oldest pooled buffers while the pool holds more than `slack`: the caller is about to
    /// allocate, and memory held for sizes nobody asks for any more would only add to the peak.
    func take(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= BufferPool.minimumSize else { return small.take(size) }
        var released: [UInt] = []
        let address = state.withLock { s -> UInt? in
            if let p = s.free[size]?.popLast() {
                s.bytes -= size
                return p
            }
            while s.bytes + size > BufferPool.slack && s.head < s.order.count {
                let oldest = s.order[s.head]
                s.head += 1
                // The matching entry may have been taken already; the sizes' stacks say what is left.
                guard let p = s.free[oldest]?.first else { continue }
                s.free[oldest]?.removeFirst()
                s.bytes -= oldest
                released.append(p)
            }
            if s.head > 1024 && s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
            return nil
        }
        for p in released { UnsafeMutableRawPointer(bitPattern: p)?.deallocate() }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `p` for reuse; false when the pool is full (the caller frees it).
    func give(_ p: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        guard size >= BufferPool.minimumSize else { return small.give(p, size) }
        let address = UInt(bitPattern: p)
        return state.withLock { s -> Bool in
            guard s.bytes + size <= BufferPool.capacity else { return false }
            s.free[size, default: []].append(address)
            s.order.append(size)
            s.bytes += size
            // Hits leave stale entries behind: compact, keeping the newest entry per pooled buffer
            // (at most capacity / minimumSize = 4096 of them).
            if s.order.count - s.head > 8192 {
                var need = s.free.mapValues(\.count)
                var kept: [Int] = []
                for size in s.order[s.head...].reversed() where need[size, default: 0] > 0 {
                    need[size]! -= 1
                    kept.append(size)
                }
                s.order = kept.reversed()
                s.head = 0
            }
            return true
        }
    }
}

/// Buffers under 64 KiB by power-of-two class (64 bytes up), kept for reuse. A run that keeps its
/// intermediates hands them all back at the next run's start, more of one size than malloc's
/// per-thread cache holds; malloc then went through its slow paths (and 64-byte aligned requests
/// through memalign) for every small tensor: a fifth of the cost of observing a chain of 4 KB ops.
final class SmallBuffers: Sendable {
    static let classes = 10
    /// Bytes kept at most.
    static let capacity = 16 * 1024 * 1024

    @inline(__always)
    static func sizeClass(_ n: Int) -> Int {
        n <= 64 ? 64 : 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount)
    }

    @inline(__always)
    static func index(_ size: Int) -> Int { Int.bitWidth - 1 - size.leadingZeroBitCount - 6 }

    struct State {
        var free = [[UInt]](repeating: [], count: SmallBuffers.classes)
        var bytes = 0
    }

    private let state = Mutex(State())

    func take(_ size: Int) -> UnsafeMutableRawPointer? {
        let i = SmallBuffers.index(size)
        guard i >= 0 && i < SmallBuffers.classes else { return nil }
        let p = state.withLock { s -> UInt? in
            guard let p = s.free[i].popLast() else { return nil }
            s.bytes -= size
            return p
        }
        return p.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    func give(_ p: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        let i = SmallBuffers.index(size)
        guard i >= 0 && i < SmallBuffers.classes else { return false }
        return state.withLock { s -> Bool in
            guard s.bytes + size <= SmallBuffers.capacity else { return false }
            s.free[i].append(UInt(bitPattern: p))
            s.bytes += size
            return true
        }
    }
}

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
        let n = max(byteCount, 1)
        base = BufferPool.shared.take(n) ?? TensorBuffer.allocate(n)
        if zeroed { base.initializeMemory(as: UInt8.self, repeating: 0, count: n) }
        self.byteCount = byteCount
        borrowedFrom = nil
    }

    /// Buffers of at least this size are 2 MiB aligned, rounded up to whole 2 MiB pages and
    /// marked MADV_HUGEPAGE (transparent huge pages are often in `madvise` mode). Element-wise
    /// kernels stream through such buffers; with 4 KiB pages every 4 KiB costs a TLB miss, which
    /// under virtualisation made a run keeping all intermediates (distinct, cold buffers) up to
    /// 1.6x slower than one reusing a few warm ones.
    static let hugePageSize = 2 << 20

    static func allocate(_ n: Int) -> UnsafeMutableRawPointer {
        guard n >= hugePageSize else { return UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 64) }
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
            let n = max(byteCount, 1)
            if !BufferPool.shared.give(base, n) { base.deallocate() }
        }
    }
}

/// Recycles large tensor allocations by exact size. Running the same model again (the debugger's
/// restart, `bench`) then reuses memory whose pages are already mapped instead of faulting in
/// fresh pages for every intermediate. Bounded; small buffers go straight back to malloc.
final class BufferPool: Sendable {
    static let shared = BufferPool()
    /// Only buffers at least this large are pooled (malloc handles small ones well).
    static let minimumSize = 64 * 1024
    /// Total bytes kept in the pool at most.
    static let capacity = 256 * 1024 * 1024

    struct State {
        /// Free buffers by size, as addresses.
        var free: [Int: [UInt]] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    func take(_ size: Int) -> UnsafeMutableRawPointer? {
        guard size >= BufferPool.minimumSize else { return nil }
        let address = state.withLock { s -> UInt? in
            guard let p = s.free[size]?.popLast() else { return nil }
            s.bytes -= size
            return p
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `p` for reuse; false when the pool is full (the caller frees it).
    func give(_ p: UnsafeMutableRawPointer, _ size: Int) -> Bool {
        guard size >= BufferPool.minimumSize else { return false }
        let address = UInt(bitPattern: p)
        return state.withLock { s -> Bool in
            guard s.bytes + size <= BufferPool.capacity else { return false }
            s.free[size, default: []].append(address)
            s.bytes += size
            return true
        }
    }
}

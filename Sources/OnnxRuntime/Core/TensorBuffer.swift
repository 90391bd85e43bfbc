import OnnxModel

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
        base = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 64)
        if zeroed { base.initializeMemory(as: UInt8.self, repeating: 0, count: n) }
        self.byteCount = byteCount
        borrowedFrom = nil
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
        if borrowedFrom == nil { base.deallocate() }
    }
}

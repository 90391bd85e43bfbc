
/// Something that owns bytes a `ByteView` points into: a memory-mapped file or an owned buffer.
public protocol ByteOwner: AnyObject, Sendable {
    var baseAddress: UnsafeRawPointer? { get }
    var byteCount: Int { get }
}

/// An owned, immutable byte buffer (small tensors, in-memory models, test data).
public final class OwnedBytes: ByteOwner, @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    public init(_ bytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { src in
            if let base = src.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: src.count) }
        }
        storage = buffer
        byteCount = bytes.count
    }
    public let byteCount: Int
    public var baseAddress: UnsafeRawPointer? { UnsafeRawPointer(storage.baseAddress) }
    deinit { storage.deallocate() }
}

/// A read-only window onto bytes owned elsewhere. Initializer data stays a view into the mapped
/// model (or external data) file until something needs the values: opening a model copies no weights.
public struct ByteView: Sendable {
    public let owner: any ByteOwner
    public let offset: Int
    public let count: Int

    public init(owner: any ByteOwner, offset: Int = 0, count: Int? = nil) {
        self.owner = owner
        self.offset = offset
        self.count = count ?? (owner.byteCount - offset)
        precondition(offset >= 0 && self.count >= 0 && offset + self.count <= owner.byteCount, "ByteView out of range")
    }

    public init(_ bytes: [UInt8]) { self.init(owner: OwnedBytes(bytes)) }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard let base = owner.baseAddress, count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Tells a mapped file that these bytes were copied and need not stay resident (no-op for
    /// other owners).
    public func dropResidentPages() {
        (owner as? MappedFile)?.dropResidentPages(offset: offset, count: count)
    }

    public func slice(_ start: Int, _ length: Int) -> ByteView {
        ByteView(owner: owner, offset: offset + start, count: length)
    }
}

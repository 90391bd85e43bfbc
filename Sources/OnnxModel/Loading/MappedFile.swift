#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. The model file is never opened for writing.
public final class MappedFile: ByteOwner, @unchecked Sendable {
    public let path: String
    public let byteCount: Int
    private let base: UnsafeMutableRawPointer?

    public var baseAddress: UnsafeRawPointer? { UnsafeRawPointer(base) }

    /// Maps an already-open descriptor (the caller keeps ownership of `fd`).
    public init(fd: Int32, path: String) throws(LoadError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LoadError(path, "cannot stat: \(errnoText())") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw LoadError(path, (st.st_mode & S_IFMT) == S_IFDIR ? "is a directory, not a model file" : "is not a regular file")
        }
        self.path = path
        self.byteCount = Int(st.st_size)
        if byteCount == 0 {
            base = nil
            return
        }
        let p = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw LoadError(path, "cannot map file: \(errnoText())") }
        base = p
    }

    /// Opens and maps `path` read-only.
    public convenience init(path: String) throws(LoadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw LoadError(path, openErrorText()) }
        defer { close(fd) }
        try self.init(fd: fd, path: path)
    }

    deinit {
        if let base { munmap(base, byteCount) }
    }

    public var view: ByteView { ByteView(owner: self) }

    /// Drops the resident pages that lie wholly inside `offset..<offset+count` (bytes that were
    /// copied elsewhere, e.g. an unaligned initializer converted to a tensor), so they no longer
    /// count twice in the process's memory. The mapping stays valid: a later read faults the
    /// pages back in from the file.
    public func dropResidentPages(offset: Int, count: Int) {
        guard let base, count > 0, offset >= 0, offset + count <= byteCount else { return }
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let start = (offset + page - 1) / page * page
        let end = (offset + count) / page * page
        guard end > start else { return }
        _ = madvise(base + start, end - start, Int32(MADV_DONTNEED))
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

func openErrorText() -> String {
    switch errno {
    case ENOENT: return "no such file"
    case EACCES: return "permission denied"
    case EISDIR: return "is a directory, not a model file"
    case ELOOP: return "is a symbolic link where none is allowed"
    default: return "cannot open: \(errnoText())"
    }
}

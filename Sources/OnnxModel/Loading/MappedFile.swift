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

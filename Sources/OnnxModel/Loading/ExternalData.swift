#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tensor's `external_data` entries, resolved lazily against the model's folder.
public struct ExternalDataRef: Sendable {
    public var location: String
    public var offset: String?
    public var length: String?
    public var checksum: String?
    public let store: ExternalDataStore?

    public init(_ entries: [StringPair], store: ExternalDataStore?) {
        location = entries[key: "location"] ?? ""
        offset = entries[key: "offset"]
        length = entries[key: "length"]
        checksum = entries[key: "checksum"]
        self.store = store
    }

    /// The bytes of this tensor in its external file, checked to lie inside the file and the
    /// model's folder. `expected` is dtype x shape in bytes, when known.
    public func resolve(expected: Int?) throws(LoadError) -> ByteView {
        guard let store else { throw LoadError(location, "external data cannot be resolved for a model that was not loaded from a file") }
        let file = try store.file(location)
        let start: Int
        if let offset {
            guard let o = Int(offset), o >= 0 else { throw LoadError(store.label(location), "external data offset '\(offset)' is not a valid byte offset", reason: ExternalDataReason.badNumber.rawValue) }
            start = o
        } else {
            start = 0
        }
        guard start <= file.byteCount else {
            throw LoadError(store.label(location), "external data offset \(start) is beyond the end of the file (\(file.byteCount) bytes)", reason: ExternalDataReason.outOfBounds.rawValue)
        }
        let count: Int
        if let length {
            guard let l = Int(length), l >= 0 else { throw LoadError(store.label(location), "external data length '\(length)' is not a valid byte count", reason: ExternalDataReason.badNumber.rawValue) }
            guard l <= file.byteCount - start else {
                throw LoadError(store.label(location), "external data range \(start)+\(l) runs past the end of the file (\(file.byteCount) bytes)", reason: ExternalDataReason.outOfBounds.rawValue)
            }
            count = l
        } else {
            count = expected.map { min($0, file.byteCount - start) } ?? (file.byteCount - start)
        }
        if let expected, count != expected {
            throw LoadError(store.label(location), "external data holds \(count) bytes at offset \(start), dtype x shape needs \(expected)", reason: ExternalDataReason.lengthMismatch.rawValue)
        }
        return ByteView(owner: file, offset: start, count: count)
    }
}

/// Why external data was refused or could not be read (`LoadError.reason`).
public enum ExternalDataReason: String, Sendable {
    case noLocation = "no_location", absolute, parentDirectory = "parent_directory", symbolicLink = "symbolic_link"
    case hardLink = "hard_link", missing, notRegular = "not_regular", outOfBounds = "out_of_bounds"
    case lengthMismatch = "length_mismatch", badNumber = "bad_number", unreadable
}

/// Opens external data files for one model, only ever inside the model's folder, and caches the maps.
///
/// A location must be relative, without `..`, and must not pass through a symbolic link that leads out
/// of the folder; the file itself must be a regular file with one link (a hard link could alias a file
/// anywhere). Files are opened component by component with O_NOFOLLOW so nothing can redirect the
/// open after the checks.
public final class ExternalDataStore: @unchecked Sendable {
    public let directory: String
    private var files: [String: MappedFile] = [:]
    private let lock = Lock()

    public init(directory: String) { self.directory = directory }

    func label(_ location: String) -> String { directory == "." ? location : "\(directory)/\(location)" }

    /// The mapped file for `location`.
    public func file(_ location: String) throws(LoadError) -> MappedFile {
        if let f = lock.withLock({ files[location] }) { return f }
        let f = try open(location)
        lock.withLock { files[location] = f }
        return f
    }

    /// Size of the file at `location`, after the same safety checks, without mapping it.
    public func size(_ location: String) throws(LoadError) -> Int { try file(location).byteCount }

    /// Checks that `location` is a path this store would open, without touching the file system.
    public static func checkLocation(_ location: String) -> String? { locationProblem(location)?.message }

    public static func locationProblem(_ location: String) -> (reason: ExternalDataReason, message: String)? {
        if location.isEmpty { return (.noLocation, "external data has no location") }
        if location.utf8.contains(0) { return (.noLocation, "external data location contains a NUL byte") }
        if location.hasPrefix("/") || location.hasPrefix("\\") {
            return (.absolute, "external data location '\(location)' is an absolute path: it must stay inside the model's folder")
        }
        let bytes = Array(location.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"), (UInt8(ascii: "A")...UInt8(ascii: "z")).contains(bytes[0]) {
            return (.absolute, "external data location '\(location)' is an absolute (drive) path: it must stay inside the model's folder")
        }
        let parts = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        if parts.contains("..") {
            return (.parentDirectory, "external data location '\(location)' contains '..': it must stay inside the model's folder")
        }
        if parts.isEmpty { return (.noLocation, "external data location '\(location)' names no file") }
        return nil
    }

    private func open(_ location: String) throws(LoadError) -> MappedFile {
        let name = label(location)
        if let problem = ExternalDataStore.locationProblem(location) { throw LoadError(name, problem.message, reason: problem.reason.rawValue) }
        let dirfd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { throw LoadError(directory, "cannot open the model's folder: \(errnoText())") }
        var cur = dirfd
        defer { close(cur) }
        let parts = location.split(separator: "/").map(String.init).filter { $0 != "." }
        for comp in parts.dropLast() {
            let next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                if errno == ELOOP || errno == ENOTDIR {
                    throw LoadError(name, "external data path goes through '\(comp)', which is a symbolic link or not a folder: refused, it could lead outside the model's folder",
                                    reason: ExternalDataReason.symbolicLink.rawValue)
                }
                throw LoadError(name, "external data file is missing (\(errnoText()))", reason: ExternalDataReason.missing.rawValue)
            }
            close(cur)
            cur = next
        }
        let last = parts.last!
        var st = stat()
        guard fstatat(cur, last, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw LoadError(name, errno == ENOENT ? "external data file is missing" : "cannot stat external data file: \(errnoText())",
                            reason: (errno == ENOENT ? ExternalDataReason.missing : .unreadable).rawValue)
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            throw LoadError(name, "external data file is a symbolic link: refused, it could lead outside the model's folder", reason: ExternalDataReason.symbolicLink.rawValue)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw LoadError(name, "external data location is not a regular file", reason: ExternalDataReason.notRegular.rawValue) }
        if st.st_nlink > 1 {
            throw LoadError(name, "external data file has \(st.st_nlink) hard links: refused, a hard link can alias a file outside the model's folder", reason: ExternalDataReason.hardLink.rawValue)
        }
        let fd = openat(cur, last, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw LoadError(name, "cannot open external data file: \(errnoText())", reason: ExternalDataReason.unreadable.rawValue) }
        defer { close(fd) }
        var st2 = stat()
        guard fstat(fd, &st2) == 0, st2.st_ino == st.st_ino, st2.st_dev == st.st_dev else {
            throw LoadError(name, "external data file changed while it was being opened")
        }
        return try MappedFile(fd: fd, path: name)
    }
}

/// A small mutex (Foundation's NSLock is avoided to keep this module light).
final class Lock: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func withLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return try body()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The outcome of loading a theme: the theme to use, and a message when the requested one could
/// not be used (the caller shows it; the theme is then the default).
public struct ThemeLoadResult: Sendable {
    public var theme: Theme
    public var error: ThemeError?
    /// Where the theme came from: "builtin" or a file path.
    public var source: String
}

/// Finds themes by name: user files in `$XDG_CONFIG_HOME/onnx-explorer/themes/NAME.theme`
/// (default `~/.config`) first, then the built-in ones. A name containing `/` or ending in
/// `.theme` is a file path.
public struct ThemeLoader: Sendable {
    public var userDirectory: String?
    public var noColor: Bool

    /// `environment` defaults to the process environment (only XDG_CONFIG_HOME, HOME and NO_COLOR are read).
    public init(environment: [String: String] = ThemeLoader.processEnvironment()) {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") {
            userDirectory = x + "/onnx-explorer/themes"
        } else if let h = environment["HOME"], !h.isEmpty {
            userDirectory = h + "/.config/onnx-explorer/themes"
        } else {
            userDirectory = nil
        }
        // https://no-color.org: set and not empty.
        noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    }

    public static func processEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        for k in ["XDG_CONFIG_HOME", "HOME", "NO_COLOR"] {
            if let v = getenv(k) { env[k] = String(cString: v) }
        }
        return env
    }

    /// The theme used when none is asked for: monochrome under NO_COLOR, else dark.
    public var defaultName: String { noColor ? "monochrome" : "dark" }

    /// The colour depth to draw with on a terminal that has `depth`: none under NO_COLOR.
    public func effectiveDepth(_ depth: ColorDepth) -> ColorDepth { noColor ? .none : depth }

    /// Built-in names, then user themes (sorted) that do not shadow a built-in.
    public func availableNames() -> [String] {
        var names = BuiltinThemes.names
        if let dir = userDirectory {
            for f in listDirectory(dir).sorted() where f.hasSuffix(".theme") {
                let n = String(f.dropLast(".theme".count))
                if isValidName(n), !names.contains(n) { names.append(n) }
            }
        }
        return names
    }

    /// Loads `name` (nil: `defaultName`). Never fails: on any problem the result holds the default
    /// theme and the error (file, line, problem).
    public func load(_ name: String?) -> ThemeLoadResult {
        let name = name ?? defaultName
        if name.contains("/") || name.hasSuffix(".theme") {
            return loadFile(name, name: baseName(name))
        }
        guard isValidName(name) else {
            return ThemeLoadResult(theme: .default, error: ThemeError(file: sanitize(name), line: 0, message: "not a theme name (letters, digits, '-', '_' and '.' only)"), source: "builtin")
        }
        if let dir = userDirectory {
            let path = dir + "/" + name + ".theme"
            if fileExists(path) { return loadFile(path, name: name) }
        }
        if let text = BuiltinThemes.text[name] {
            if name == "dark" { return ThemeLoadResult(theme: .default, error: nil, source: "builtin") }
            do {
                return ThemeLoadResult(theme: try Theme.parse(text, file: "<builtin \(name).theme>"), error: nil, source: "builtin")
            } catch {
                return ThemeLoadResult(theme: .default, error: error, source: "builtin")
            }
        }
        let known = availableNames().joined(separator: ", ")
        return ThemeLoadResult(theme: .default, error: ThemeError(file: sanitize(name), line: 0, message: "no such theme (available: \(known))"), source: "builtin")
    }

    private func loadFile(_ path: String, name: String) -> ThemeLoadResult {
        switch readTextFile(path) {
        case let .failure(e):
            return ThemeLoadResult(theme: .default, error: ThemeError(file: sanitize(path), line: 0, message: e.message), source: path)
        case let .success(text):
            do {
                var t = try Theme.parse(text, file: sanitize(path))
                if t.name == "custom" { t.rename(name) }
                return ThemeLoadResult(theme: t, error: nil, source: path)
            } catch {
                return ThemeLoadResult(theme: .default, error: error, source: path)
            }
        }
    }

    func isValidName(_ n: String) -> Bool {
        !n.isEmpty && !n.hasPrefix(".") && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    private func baseName(_ path: String) -> String {
        var b = path.split(separator: "/").last.map(String.init) ?? path
        if b.hasSuffix(".theme") { b.removeLast(".theme".count) }
        return b
    }
}

struct IOError: Error { var message: String }

/// Largest theme file accepted.
let maxThemeFileSize = 1 << 20

func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
}

func readTextFile(_ path: String) -> Result<String, IOError> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        return .failure(IOError(message: errno == ENOENT ? "no such file" : "cannot open: " + String(cString: strerror(errno))))
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return .failure(IOError(message: "cannot stat")) }
    guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(IOError(message: "not a regular file")) }
    guard Int(st.st_size) <= maxThemeFileSize else { return .failure(IOError(message: "too large for a theme file (over 1 MiB)")) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return .failure(IOError(message: "read error: " + String(cString: strerror(errno))))
        }
        if n == 0 { break }
        bytes += chunk[0..<n]
        if bytes.count > maxThemeFileSize { return .failure(IOError(message: "too large for a theme file (over 1 MiB)")) }
    }
    // Validate UTF-8 explicitly so a binary file gives a clear message.
    guard let s = String(validating: bytes, as: UTF8.self) else {
        return .failure(IOError(message: "not UTF-8 text"))
    }
    return .success(s)
}

func listDirectory(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        let name = withUnsafePointer(to: e.pointee.d_name) { p in
            p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { out.append(name) }
    }
    return out
}

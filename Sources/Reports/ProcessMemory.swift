#if canImport(Glibc)
import Glibc
#endif

/// Resident memory of this process, from Linux's /proc/self/status (nil where unavailable).
public enum ProcessMemory {
    /// Resident set size now (VmRSS), in bytes.
    public static var currentRSS: Int? { statusField("VmRSS:") }

    /// Peak resident set size since the process started or since the last `resetPeak()` (VmHWM).
    public static var peakRSS: Int? { statusField("VmHWM:") }

    /// Peak resident set size of the whole process life (getrusage; never reset).
    public static var processPeakRSS: Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }

    /// Resets the peak (VmHWM) to the current RSS, so `peakRSS` then measures what follows
    /// (writes 5 to /proc/self/clear_refs, Linux 4.0 and later). False when that is not possible.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let ok = "5".withCString { write(fd, $0, 1) } == 1
        // An old kernel ignores the value: check the peak really dropped to about the current RSS.
        guard ok, let peak = peakRSS, let now = currentRSS else { return false }
        return peak <= now + 4096 * 16
    }

    /// A "Vm...:  123 kB" line of /proc/self/status, in bytes.
    static func statusField(_ key: String) -> Int? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(key) {
            let fields = line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let v = fields.first.flatMap({ Int($0) }) else { return nil }
            return fields.count > 1 && fields[1] == "kB" ? v * 1024 : v
        }
        return nil
    }
}

/// A horizontal progress bar with 1/8-cell resolution (whole cells in ASCII).
public enum ProgressBar {
    /// The bar's characters for `fraction` (0...1) over `width` cells.
    public static func text(fraction: Double, width: Int, glyphs: Glyphs) -> (filled: String, empty: String) {
        guard width > 0 else { return ("", "") }
        let f = fraction.isNaN ? 0 : max(0, min(1, fraction))
        let eighths = Int((f * Double(width * 8)).rounded())
        var full = eighths / 8
        var rest = eighths % 8
        if !glyphs.unicode { full = (eighths + 4) / 8; rest = 0 }
        full = min(full, width)
        var filled = String(repeating: String(glyphs.full), count: full)
        var used = full
        if rest > 0 && used < width { filled.append(glyphs.partials[rest]); used += 1 }
        return (filled, String(repeating: " ", count: width - used))
    }

    public static func render(into buffer: inout ScreenBuffer, rect: Rect, fraction: Double, filledStyle: Style, emptyStyle: Style, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let (f, e) = text(fraction: fraction, width: rect.width, glyphs: glyphs)
        let x = buffer.drawSanitized(f, x: rect.x, y: rect.y, style: filledStyle, clip: rect)
        buffer.drawSanitized(e, x: x, y: rect.y, style: emptyStyle, clip: rect)
    }
}

/// Bar charts drawn with block characters (▁▂▃▄▅▆▇█), ASCII fallback.
public enum Histogram {
    /// Resamples `bins` to `count` columns (summing when shrinking, repeating when stretching).
    public static func resample(_ bins: [Double], to count: Int) -> [Double] {
        guard count > 0, !bins.isEmpty else { return Array(repeating: 0, count: max(0, count)) }
        if bins.count == count { return bins }
        var out = Array(repeating: 0.0, count: count)
        if bins.count > count {
            for (i, v) in bins.enumerated() { out[i * count / bins.count] += v }
        } else {
            for c in 0..<count { out[c] = bins[c * bins.count / count] }
        }
        return out
    }

    /// A one-row sparkline, one character per bin, scaled to the largest bin.
    public static func sparkline(_ bins: [Double], glyphs: Glyphs) -> String {
        let m = bins.max() ?? 0
        return String(bins.map { v -> Character in
            guard m > 0, v > 0 else { return glyphs.bars[0] }
            return glyphs.bars[max(1, min(8, Int((v / m * 8).rounded())))]
        })
    }

    /// Vertical bars filling `rect`: one column per (resampled) bin, height proportional to the
    /// largest bin with 1/8-row resolution. Non-zero bins always show at least a sliver.
    public static func render(into buffer: inout ScreenBuffer, rect: Rect, bins: [Double], style: Style, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let cols = resample(bins, to: rect.width)
        let m = cols.max() ?? 0
        let levels = rect.height * 8
        for (c, v) in cols.enumerated() {
            var h = m > 0 && v > 0 ? Int((v / m * Double(levels)).rounded()) : 0
            if v > 0 && h == 0 { h = 1 }
            for r in 0..<rect.height {
                let fromBottom = rect.height - 1 - r
                let cellLevel = max(0, min(8, h - fromBottom * 8))
                buffer.put(glyphs.bars[cellLevel], x: rect.x + c, y: rect.y + r, style: style)
            }
        }
    }
}

/// A heat map of a 2-D grid of values normalised to 0...1 (nil: not a number, drawn as `?`).
public enum HeatMap {
    public enum Mode: Sendable, Hashable {
        /// Each cell is a blank whose background is the gradient step.
        case color
        /// Each cell is a shade character (for monochrome themes / terminals).
        case shades
    }

    public static func step(_ v: Double, steps: Int) -> Int {
        guard steps > 0 else { return 0 }
        return max(0, min(steps - 1, Int(v * Double(steps))))
    }

    /// Draws `rows` x `cols` values, one cell per value (`cellWidth` columns each), clipped to `rect`.
    public static func render(
        into buffer: inout ScreenBuffer, rect: Rect, rows: Int, cols: Int, cellWidth: Int = 2, gradient: [Style], mode: Mode,
        missing: Style, glyphs: Glyphs, value: (Int, Int) -> Double?
    ) {
        guard !rect.isEmpty, cellWidth > 0 else { return }
        let visibleRows = min(rows, rect.height)
        let visibleCols = min(cols, rect.width / cellWidth)
        guard visibleCols > 0 else { return }
        for r in 0..<visibleRows {
            for c in 0..<visibleCols {
                let x = rect.x + c * cellWidth
                let y = rect.y + r
                guard let v = value(r, c), v.isFinite else {
                    buffer.drawSanitized(String(repeating: "?", count: cellWidth), x: x, y: y, style: missing, clip: rect)
                    continue
                }
                let clamped = max(0, min(1, v))
                switch mode {
                case .color:
                    let st = gradient.isEmpty ? Style.plain : gradient[step(clamped, steps: gradient.count)]
                    buffer.drawSanitized(String(repeating: " ", count: cellWidth), x: x, y: y, style: st, clip: rect)
                case .shades:
                    let ch = glyphs.shades[step(clamped, steps: glyphs.shades.count)]
                    buffer.drawSanitized(String(repeating: String(ch), count: cellWidth), x: x, y: y, style: gradient.first ?? .plain, clip: rect)
                }
            }
        }
    }
}

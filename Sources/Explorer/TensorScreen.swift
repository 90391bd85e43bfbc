import OnnxModel
import TerminalUI

/// Geometry of the tensor screen's value grid (shared by update, for scrolling, and render).
struct TensorGrid {
    var rows = 0
    var cols = 0
    var visibleRows = 0
    var visibleCols = 0
    var cellWidth = 12
    var indexWidth = 7
    /// Rank 0/1 tensors are laid out row-major over the width.
    var flat = true
    /// First element of the 2-D slice.
    var base = 0
    var top = 0
    var showHistogram = false

    static let histogramHeight = 4

    init(_ t: TensorViewState, width: Int, height: Int) {
        guard let v = t.values else { return }
        let bodyTop = 1, bodyHeight = max(0, height - 2)
        showHistogram = v.isNumeric && !t.stats.bins.isEmpty && t.stats.finite > 1 && bodyHeight >= 16
        top = bodyTop + 2 + t.extraLines + (showHistogram ? TensorGrid.histogramHeight + 1 : 0) + 1 + 1
        visibleRows = max(0, bodyTop + bodyHeight - top)
        if t.mode == .heatMap && v.isNumeric { cellWidth = 2 } else if v.dtype == .string { cellWidth = 24 } else if v.dtype == .bool { cellWidth = 6 } else { cellWidth = 12 }
        let rank = v.dims.count
        if rank <= 1 {
            flat = true
            cols = max(1, (width - indexWidth) / cellWidth)
            rows = (v.count + cols - 1) / cols
            visibleCols = cols
        } else {
            flat = false
            rows = v.dims[rank - 2]
            cols = v.dims[rank - 1]
            visibleCols = max(1, min(cols, (width - indexWidth) / cellWidth))
            var step = rows * cols
            var b = 0
            var axis = rank - 3
            while axis >= 0 {
                b += (axis < t.slice.count ? t.slice[axis] : 0) * step
                step *= v.dims[axis]
                axis -= 1
            }
            base = b
        }
    }

    func element(row r: Int, col c: Int) -> Int? {
        flat ? r * cols + c : base + r * cols + c
    }
}

func renderTensor(_ b: inout ScreenBuffer, _ s: AppState, _ tv: TensorViewState) {
    let t = s.theme
    let l = s.layout
    let g = s.glyphs
    var y = l.body.y
    var header: StyledLine = [Span(" " + tv.title, t.style("tensor.header"))]
    if let data = tv.tensor { header.append(Span("   " + Fmt.tensorSummary(data), t.style("details.type"))) }
    Bar.render(into: &b, rect: l.body.row(0), left: header, right: [Span("Esc closes ", t.style("dim"))], style: t.style("normal"), glyphs: g)
    y += 1
    if tv.loading {
        b.draw([Span(" fetching the value from the session...", t.style("dim"))], x: 0, y: y, clip: l.body, glyphs: g)
        return
    }
    if tv.values != nil, let note = tv.note {
        b.draw([Span(" " + note, t.style("dim"))], x: 0, y: y, clip: l.body, glyphs: g)
        y += 1
    }
    if let e = tv.error {
        b.draw([Span(" " + e, t.style("error"))], x: 0, y: y, clip: l.body, glyphs: g)
        if tv.values?.dtype != .string { return }
        y += 1
    }
    guard let v = tv.values else { return }
    let st = tv.stats
    if v.isNumeric {
        var parts: StyledLine = []
        func stat(_ k: String, _ val: String, bad: Bool = false) {
            parts.append(Span(" " + k + " ", t.style("details.key")))
            parts.append(Span(val, t.style(bad ? "tensor.special" : "tensor.value")))
        }
        if st.finite > 0 {
            stat("min", Fmt.g(st.min, 5)); stat(" max", Fmt.g(st.max, 5)); stat(" mean", Fmt.g(st.mean, 5)); stat(" std", Fmt.g(st.std, 5))
        }
        stat(" zeros", Fmt.grouped(st.zeros)); stat(" NaN", Fmt.grouped(st.nans), bad: st.nans > 0); stat(" Inf", Fmt.grouped(st.infs), bad: st.infs > 0)
        if st.sampled { parts.append(Span("  (sampled: \(Fmt.grouped(st.count)) of \(Fmt.grouped(v.count)))", t.style("dim"))) }
        b.draw(parts, x: 0, y: y, clip: l.body, glyphs: g)
    } else {
        b.draw([Span(" \(Fmt.grouped(v.count)) elements", t.style("tensor.value"))], x: 0, y: y, clip: l.body, glyphs: g)
    }
    y += 1
    if tv.firstNaN != nil || tv.firstInf != nil {
        var parts: StyledLine = []
        if let i = tv.firstNaN { parts.append(Span(" first NaN at \(Fmt.index(i, v.dims)) (flat \(i))", t.style("tensor.special"))) }
        if let i = tv.firstInf { parts.append(Span(" first infinity at \(Fmt.index(i, v.dims)) (flat \(i))", t.style("tensor.special"))) }
        parts.append(Span("  f shows it", t.style("dim")))
        b.draw(parts, x: 0, y: y, clip: l.body, glyphs: g)
        y += 1
    }
    if let d = tv.diff {
        var parts: StyledLine = [Span(" reference ", t.style("details.key"))]
        if let m = d.mismatch {
            parts.append(Span(m, t.style("warning")))
        } else if d.differing == 0 {
            parts.append(Span("matches: max abs error \(Fmt.g(d.maxAbs, 3)) (rel \(Fmt.g(d.maxRel, 3)))", t.style("ok")))
        } else {
            parts.append(Span("max abs error \(Fmt.g(d.maxAbs, 4)) (rel \(Fmt.g(d.maxRel, 4)))" + (d.worst.map { " at \(Fmt.index($0, v.dims))" } ?? ""), t.style("warning")))
            parts.append(Span("  \(Fmt.grouped(d.differing)) of \(Fmt.grouped(d.count)) differ", t.style("tensor.special")))
            parts.append(Span(" (highlighted; f shows the largest)", t.style("dim")))
        }
        b.draw(parts, x: 0, y: y, clip: l.body, glyphs: g)
        y += 1
    }
    let grid = TensorGrid(tv, width: s.width, height: s.height)
    if grid.showHistogram {
        let hr = Rect(x: 1, y: y, width: min(s.width - 2, 128), height: TensorGrid.histogramHeight)
        Histogram.render(into: &b, rect: hr, bins: st.bins, style: t.style("histogram"), glyphs: g)
        y += TensorGrid.histogramHeight
        let lo = Fmt.g(st.min, 4), hi = Fmt.g(st.max, 4)
        b.draw(lo, x: 1, y: y, style: t.style("tensor.index"))
        b.draw(hi, x: max(1, hr.maxX - displayWidth(hi)), y: y, style: t.style("tensor.index"))
        y += 1
    }
    // Slice line.
    var sliceLine: StyledLine = []
    if grid.flat {
        sliceLine.append(Span(" \(v.dims.isEmpty ? "scalar" : "1-D, \(Fmt.grouped(v.count)) values"), \(grid.cols) per row", t.style("details.key")))
    } else {
        var idx: [String] = tv.slice.map(String.init)
        idx += [":", ":"]
        sliceLine.append(Span(" slice ", t.style("details.key")))
        sliceLine.append(Span("[" + idx.joined(separator: ",") + "]", t.style("tensor.header")))
        if !tv.slice.isEmpty {
            sliceLine.append(Span("  axis \(tv.axis) (\(tv.slice[tv.axis] + 1) of \(v.dims[tv.axis]))  [ ] step  < > axis", t.style("dim")))
        }
        sliceLine.append(Span("  rows \(tv.rowOffset)-\(min(grid.rows, tv.rowOffset + grid.visibleRows) - 1) of \(grid.rows), cols \(tv.colOffset)+", t.style("dim")))
    }
    sliceLine.append(Span(tv.mode == .heatMap ? "  v: values" : (v.isNumeric ? "  v: heat map" : ""), t.style("dim")))
    b.draw(sliceLine, x: 0, y: y, clip: l.body, glyphs: g)
    y += 1
    // Column header.
    let colStart = grid.flat ? 0 : tv.colOffset
    var x = grid.indexWidth
    if tv.mode == .values || !v.isNumeric {
        for c in colStart..<min(grid.cols, colStart + grid.visibleCols) {
            b.draw(fit(String(c), width: grid.cellWidth - 1, alignRight: true), x: x, y: y, style: t.style("tensor.index"))
            x += grid.cellWidth
        }
    } else {
        b.draw("cols \(colStart)-\(min(grid.cols, colStart + grid.visibleCols) - 1)", x: x, y: y, style: t.style("tensor.index"))
    }
    y += 1
    guard y < l.footer.y else { return }
    let area = Rect(x: 0, y: y, width: s.width, height: l.footer.y - y)
    let rowsShown = min(area.height, max(0, grid.rows - tv.rowOffset))
    for i in 0..<rowsShown {
        let r = tv.rowOffset + i
        let label = grid.flat ? String(r * grid.cols) : String(r)
        b.draw(fit(label, width: grid.indexWidth - 1, alignRight: true), x: 0, y: y + i, style: t.style("tensor.index"))
    }
    if tv.mode == .heatMap && v.isNumeric {
        let lo = st.min, span = st.max - st.min
        let mode: HeatMap.Mode = t.colorsEnabled && s.capabilities.colorDepth != .none && t.gradient.count > 1 ? .color : .shades
        HeatMap.render(into: &b, rect: Rect(x: grid.indexWidth, y: y, width: s.width - grid.indexWidth, height: rowsShown),
                       rows: rowsShown, cols: grid.visibleCols, cellWidth: grid.cellWidth, gradient: t.gradient, mode: mode,
                       missing: t.style("tensor.special"), glyphs: g) { r, c in
            let rr = tv.rowOffset + r, cc = colStart + c
            guard cc < grid.cols, let e = grid.element(row: rr, col: cc), e < v.count, let x = v.value(e) else { return nil }
            return span > 0 ? (x - lo) / span : 0.5
        }
        return
    }
    for i in 0..<rowsShown {
        let r = tv.rowOffset + i
        var cx = grid.indexWidth
        for c in colStart..<min(grid.cols, colStart + grid.visibleCols) {
            guard let e = grid.element(row: r, col: c), e < v.count else { break }
            let text = v.text(e)
            let val = v.value(e)
            let special = val.map { !$0.isFinite } ?? false
            var style = t.style(special ? "tensor.special" : "tensor.value")
            if e == tv.mark {
                style = style.patched(with: t.overlay("search.current"))
            } else if let ref = tv.reference, differs(val, ref.value(e), tv) {
                style = style.patched(with: t.overlay("search.match"))
            }
            b.draw(fit(text, width: grid.cellWidth - 1, glyphs: g, alignRight: v.dtype != .string), x: cx, y: y + i, style: style)
            cx += grid.cellWidth
        }
    }
}

/// Whether an element differs from its reference value beyond the session's tolerance.
func differs(_ a: Double?, _ e: Double?, _ tv: TensorViewState) -> Bool {
    guard let d = tv.diff, d.differing > 0, let a, let e else { return false }
    if a.isNaN && e.isNaN { return false }
    if a == e { return false }
    // The tolerance the engine used is implied by the count; recompute with the session's.
    return !(abs(a - e) <= tv.atol + tv.rtol * abs(e))
}

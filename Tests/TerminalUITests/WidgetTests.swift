import Testing
@testable import TerminalUI

@Suite struct WidgetTests {
    @Test func listRendersOnlyVisibleRows() {
        var b = ScreenBuffer(width: 12, height: 4)
        var asked: [Int] = []
        var state = ListViewState()
        state.select(500_000, count: 1_000_000, height: 4)
        #expect(state.offset == 499_997)
        ListView.render(into: &b, rect: b.bounds, count: 1_000_000, state: state, style: ListStyle(), glyphs: .ascii) { i in
            asked.append(i)
            return [Span("row \(i)")]
        }
        #expect(asked == [499_997, 499_998, 499_999, 500_000])
        #expect(b.lines[3].hasPrefix("row 500000"))
        #expect(b[x: 0, y: 3].style.attributes.contains(.reverse))
        #expect(b[x: 0, y: 2].style.attributes.isEmpty)
        // A scroll bar takes the last column.
        #expect(b.lines.map { $0.last! }.contains("#"))
    }

    @Test func listStateNavigation() {
        var s = ListViewState()
        s.move(by: 1, count: 10, height: 3)
        #expect(s == ListViewState(selected: 1, offset: 0))
        s.move(by: 5, count: 10, height: 3)
        #expect(s == ListViewState(selected: 6, offset: 4))
        s.move(by: 100, count: 10, height: 3)
        #expect(s == ListViewState(selected: 9, offset: 7))
        s.move(by: -100, count: 10, height: 3)
        #expect(s == ListViewState(selected: 0, offset: 0))
        s.scroll(by: 5, count: 10, height: 3)
        #expect(s == ListViewState(selected: 5, offset: 5))
        s.scroll(by: 50, count: 10, height: 3)
        #expect(s == ListViewState(selected: 7, offset: 7))
        s.select(3, count: 0, height: 3)
        #expect(s == ListViewState(selected: 0, offset: 0))
        // Shrinking the list or the view keeps the state valid.
        var t = ListViewState(selected: 8, offset: 6)
        t.reveal(count: 5, height: 3)
        #expect(t == ListViewState(selected: 4, offset: 2))
    }

    @Test func treeRowIndentsAndMarks() {
        let row = TreeRow(depth: 2, marker: .collapsed, spans: [Span("encoder")])
        #expect(row.line(glyphs: .unicode).map(\.text).joined() == "    ▸ encoder")
        #expect(TreeRow(depth: 0, marker: .expanded, spans: []).line(glyphs: .ascii).map(\.text).joined() == "- ")
    }

    @Test func wrapping() {
        let lines = wrap([Span("the quick brown fox jumps")], width: 10)
        #expect(lines.map { $0.map(\.text).joined() } == ["the quick", "brown fox", "jumps"])
        let hard = wrap([Span("abcdefghijkl")], width: 5)
        #expect(hard.map { $0.map(\.text).joined() } == ["abcde", "fghij", "kl"])
        let indented = wrap([Span("aaa bbb ccc ddd")], width: 8, indent: 2)
        #expect(indented.map { $0.map(\.text).joined() } == ["aaa bbb", "  ccc", "  ddd"])
        let styled = wrap([Span("key: ", Style(attributes: .bold)), Span("value value")], width: 11)
        #expect(styled.count == 2)
        #expect(styled[0].first?.style == Style(attributes: .bold))
        let wide = wrap([Span("中文中文中")], width: 5)
        #expect(wide.map { displayWidth($0) }.allSatisfy { $0 <= 5 })
        #expect(wrap([], width: 5).count == 1)
    }

    @Test func textViewScrollsAndClips() {
        var b = ScreenBuffer(width: 8, height: 2)
        let lines: [StyledLine] = (0..<5).map { [Span("line \($0)")] }
        TextView.render(into: &b, rect: b.bounds, lines: lines, offset: 2, style: ListStyle(), glyphs: .ascii)
        #expect(b.lines[0].hasPrefix("line 2"))
        #expect(b.lines[1].hasPrefix("line 3"))
        TextView.render(into: &b, rect: b.bounds, lines: lines, offset: 99, style: ListStyle(), glyphs: .ascii)
        #expect(b.lines[1].hasPrefix("line 4"))
        #expect(TextView.maxOffset(count: 5, height: 2) == 3)
    }

    @Test func barPlacesLeftAndRight() {
        var b = ScreenBuffer(width: 20, height: 1)
        Bar.render(into: &b, rect: b.bounds, left: [Span("model.onnx")], right: [Span("IR 8")], style: Style(attributes: .reverse), glyphs: .unicode)
        #expect(b.line(0) == "model.onnx      IR 8")
        #expect(b[x: 12, y: 0].style.attributes == .reverse)
        var c = ScreenBuffer(width: 12, height: 1)
        Bar.render(into: &c, rect: c.bounds, left: [Span("a_very_long_title")], right: [Span("xy")], style: .plain, glyphs: .unicode)
        #expect(c.line(0) == "a_very_l… xy")
    }

    @Test func keyHintsDropWhatDoesNotFit() {
        var b = ScreenBuffer(width: 20, height: 1)
        let hints = [KeyHint(key: "q", label: "quit"), KeyHint(key: "/", label: "search"), KeyHint(key: "?", label: "help")]
        let end = KeyHintsView.render(into: &b, x: 0, y: 0, maxX: 17, hints: hints, keyStyle: Style(attributes: .bold), labelStyle: .plain, glyphs: .unicode)
        #expect(b.line(0) == "q quit  / search    ")
        #expect(end == 16)
        #expect(b[x: 0, y: 0].style.attributes == .bold)
    }

    @Test func progressBar() {
        #expect(ProgressBar.text(fraction: 0.5, width: 4, glyphs: .unicode) == ("██", "  "))
        #expect(ProgressBar.text(fraction: 0.3, width: 4, glyphs: .unicode) == ("█▎", "  "))
        #expect(ProgressBar.text(fraction: 1.5, width: 3, glyphs: .unicode) == ("███", ""))
        #expect(ProgressBar.text(fraction: .nan, width: 3, glyphs: .unicode) == ("", "   "))
        #expect(ProgressBar.text(fraction: 0.5, width: 4, glyphs: .ascii) == ("##", "  "))
        var b = ScreenBuffer(width: 4, height: 1)
        ProgressBar.render(into: &b, rect: b.bounds, fraction: 0.75, filledStyle: .plain, emptyStyle: .plain, glyphs: .unicode)
        #expect(b.line(0) == "███ ")
    }

    @Test func histogram() {
        #expect(Histogram.sparkline([0, 1, 2, 4, 8], glyphs: .unicode) == " ▁▂▄█")
        #expect(Histogram.sparkline([0, 0], glyphs: .unicode) == "  ")
        #expect(Histogram.sparkline([1, 8], glyphs: .ascii) == ".#")
        #expect(Histogram.resample([1, 2, 3, 4], to: 2) == [3, 7])
        #expect(Histogram.resample([1, 2], to: 4) == [1, 1, 2, 2])
        var b = ScreenBuffer(width: 3, height: 2)
        Histogram.render(into: &b, rect: b.bounds, bins: [16, 8, 1], style: .plain, glyphs: .unicode)
        #expect(b.lines == ["█  ", "██▁"])
    }

    @Test func heatMap() {
        let g = (0..<4).map { Style(fg: .default, bg: .indexed(UInt8(16 + $0))) }
        var b = ScreenBuffer(width: 6, height: 2)
        HeatMap.render(into: &b, rect: b.bounds, rows: 2, cols: 3, gradient: g, mode: .color, missing: .plain, glyphs: .unicode) { r, c in
            r == 1 && c == 2 ? .nan : Double(r * 3 + c) / 5
        }
        #expect(b[x: 0, y: 0].style.background == .indexed(16))
        #expect(b[x: 2, y: 1].style.background == .indexed(19)) // 4/5 -> step 3
        #expect(b.line(1) == "    ??")
        var m = ScreenBuffer(width: 3, height: 1)
        HeatMap.render(into: &m, rect: m.bounds, rows: 1, cols: 3, cellWidth: 1, gradient: [], mode: .shades, missing: .plain, glyphs: .unicode) { _, c in Double(c) / 2 }
        #expect(m.line(0) == " ▒█")
    }
}

@Suite struct ASCIIFallbackTests {
    @Test func lookAlikes() {
        #expect(asciiFallback("─") == "-")
        #expect(asciiFallback("│") == "|")
        #expect(asciiFallback("┌") == "+")
        #expect(asciiFallback("→") == ">")
        #expect(asciiFallback("…") == "~")
        #expect(asciiFallback("█") == "#")
        #expect(asciiFallback("中") == "?")
        #expect(asciiFallback("a") == "a")
        // Every ASCII glyph set member is already ASCII.
        let g = Glyphs.ascii
        for c in [g.horizontal, g.vertical, g.topLeft, g.ellipsis, g.expanded, g.collapsed, g.full, g.scrollThumb, g.dot] + g.bars + g.shades + g.partials {
            #expect(c.isASCII)
        }
    }
}

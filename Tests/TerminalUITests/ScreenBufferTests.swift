import Testing
@testable import TerminalUI

@Suite struct ScreenBufferTests {
    let red = Style(fg: .ansi(1))

    @Test func drawAndLines() {
        var b = ScreenBuffer(width: 10, height: 2)
        let end = b.draw("hello", x: 1, y: 0, style: red)
        #expect(end == 6)
        #expect(b.lines == [" hello    ", "          "])
        #expect(b[x: 1, y: 0].style == red)
        #expect(b[x: 0, y: 0].style == .plain)
        #expect(b.text == " hello\n")
    }

    @Test func clipsToRect() {
        var b = ScreenBuffer(width: 10, height: 3)
        b.draw("abcdefgh", x: 0, y: 1, style: .plain, clip: Rect(x: 2, y: 1, width: 4, height: 1))
        #expect(b.line(1) == "  cdef    ")
        // Outside the clip's rows: nothing.
        b.draw("zzz", x: 0, y: 2, style: .plain, clip: Rect(x: 0, y: 0, width: 10, height: 2))
        #expect(b.line(2) == "          ")
        // Off-buffer coordinates are safe.
        b.draw("xyz", x: -2, y: 0, style: .plain)
        b.draw("xyz", x: 9, y: 0, style: .plain)
        b.draw("xyz", x: 0, y: 7, style: .plain)
        #expect(b.line(0) == "z        x")
    }

    @Test func wideCharactersAreNeverSplit() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.draw("ab中文", x: 0, y: 0, style: .plain, clip: Rect(x: 0, y: 0, width: 5, height: 1))
        // 中 fits in columns 2-3; 文 would need 4-5 but the clip ends at 5: a blank instead.
        #expect(b.line(0) == "ab中  ")
        #expect(b[x: 2, y: 0].width == 2)
        #expect(b[x: 3, y: 0].isContinuation)
        #expect(b[x: 4, y: 0].character == " ")

        var c = ScreenBuffer(width: 6, height: 1)
        c.draw("中文x", x: -1, y: 0, style: .plain)
        // 中 straddles the left edge: its visible half is a blank.
        #expect(c.line(0) == " 文x  ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.draw("中文", x: 0, y: 0, style: .plain)
        b.draw("x", x: 1, y: 0, style: .plain) // second half of 中
        #expect(b.line(0) == " x文  ")
        b.draw("y", x: 2, y: 0, style: .plain) // first half of 文
        #expect(b.line(0) == " xy   ")
        #expect(b.cells.allSatisfy { $0.width == 1 })
        b.draw("日", x: 3, y: 0, style: .plain)
        b.draw("本", x: 2, y: 0, style: .plain) // wide over the left half of another wide
        #expect(b.line(0) == " x本  ")
    }

    @Test func textIsSanitised() {
        var b = ScreenBuffer(width: 12, height: 1)
        b.draw("a\u{1B}[2Jb\n", x: 0, y: 0, style: .plain)
        #expect(b.line(0) == "a\\e[2Jb\\n   ")
        // Even the pre-sanitised path and single glyphs never store a control character.
        b.drawSanitized("\u{7}", x: 0, y: 0, style: .plain)
        b.put("\u{1B}", x: 1, y: 0, style: .plain)
        #expect(b.line(0).hasPrefix("??"))
        for c in b.cells { #expect(c.character.unicodeScalars.allSatisfy { $0.value >= 0x20 }) }
    }

    @Test func strayCombiningMarkGetsABase() {
        var b = ScreenBuffer(width: 4, height: 1)
        b.draw("\u{301}a", x: 0, y: 0, style: .plain)
        #expect(b[x: 0, y: 0].character == "\u{25CC}\u{301}")
        #expect(b[x: 1, y: 0].character == "a")
    }

    @Test func diffListsOnlyChangedCells() {
        var a = ScreenBuffer(width: 5, height: 2)
        a.draw("hello", x: 0, y: 0, style: .plain)
        var b = a
        b.draw("J", x: 0, y: 0, style: .plain)
        b.draw("!", x: 4, y: 1, style: red)
        let d = b.diff(from: a)
        #expect(d.map { [$0.x, $0.y] } == [[0, 0], [4, 1]])
        #expect(d[1].cell.style == red)
        #expect(b.diff(from: b).isEmpty)
        #expect(b.diff(from: ScreenBuffer(width: 3, height: 3)).count == 10)
    }

    @Test func fillAndRestyle() {
        var b = ScreenBuffer(width: 4, height: 2)
        b.fill(Rect(x: 1, y: 0, width: 2, height: 5), style: red, character: "x")
        #expect(b.lines == [" xx ", " xx "])
        b.restyle(Rect(x: 0, y: 0, width: 4, height: 1), patch: Style(attributes: .bold))
        #expect(b[x: 1, y: 0].style == Style(fg: .ansi(1), bg: .default, [.bold]))
        #expect(b[x: 0, y: 0].style == Style(attributes: .bold))
    }

    @Test func snapshotFormat() {
        var b = ScreenBuffer(width: 4, height: 2)
        b.draw("ab", x: 0, y: 0, style: red)
        b.draw("c", x: 3, y: 1, style: Style(attributes: .bold))
        #expect(b.snapshot(styleNames: [red: "error"]) == """
            size 4x2
            |ab  |
            |   c|
            styles
            |aa..|
            |...b|
            a = fg:ansi(1)  (error)
            b = bold

            """)
    }

    @Test func spansTruncateWithEllipsis() {
        var b = ScreenBuffer(width: 8, height: 1)
        let line: StyledLine = [Span("Conv ", red), Span("very_long_name")]
        b.draw(line, x: 0, y: 0, clip: b.bounds, glyphs: .unicode)
        #expect(b.line(0) == "Conv ve…")
        var c = ScreenBuffer(width: 8, height: 1)
        c.draw(line, x: 0, y: 0, clip: c.bounds, glyphs: .ascii)
        #expect(c.line(0) == "Conv ve~")
        var d = ScreenBuffer(width: 8, height: 1)
        d.draw([Span("short")], x: 0, y: 0, clip: d.bounds, glyphs: .unicode)
        #expect(d.line(0) == "short   ")
        var e = ScreenBuffer(width: 6, height: 1)
        e.draw([Span("ab中文字")], x: 0, y: 0, clip: e.bounds, glyphs: .unicode)
        #expect(e.line(0) == "ab中 …")
    }

    @Test func boxesUnicodeAndASCII() {
        var b = ScreenBuffer(width: 10, height: 3)
        b.drawBox(b.bounds, style: .plain, glyphs: .unicode, title: [Span("Tree")])
        #expect(b.lines == ["┌ Tree ──┐", "│        │", "└────────┘"])
        var a = ScreenBuffer(width: 10, height: 3)
        a.drawBox(a.bounds, style: .plain, glyphs: .ascii, title: [Span("Details long")])
        #expect(a.lines == ["+ Detail~+", "|        |", "+--------+"])
    }
}

@Suite struct HostileTextTests {
    @Test func hugeSpansAreCutBeforeSanitising() {
        var b = ScreenBuffer(width: 10, height: 1)
        let huge = String(repeating: "\u{1B}x", count: 500_000)
        b.draw([Span("a"), Span(huge), Span("never")], x: 0, y: 0, clip: b.bounds, glyphs: .unicode)
        #expect(b.line(0) == "a\\ex\\ex\\e…")
    }
}

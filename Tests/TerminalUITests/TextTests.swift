import Testing
@testable import TerminalUI

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("中", 2), ("ｱ", 1), ("Ａ", 2), ("한", 2), ("😀", 2),
        ("❤️", 2), ("❤", 1), ("👨‍👩‍👧", 2), ("🇫🇷", 2), ("1️⃣", 2), ("\u{301}", 0), ("\u{200B}", 0), ("─", 1),
    ])
    func characterWidth(_ s: String, _ w: Int) {
        #expect(displayWidth(Character(s)) == w, "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func stringWidth() {
        #expect(displayWidth("hello") == 5)
        #expect(displayWidth("日本語") == 6)
        #expect(displayWidth("a😀b") == 4)
        #expect(displayWidth("") == 0)
    }
}

@Suite struct SanitizeTests {
    @Test func plainTextUnchanged() {
        for s in ["Conv_0", "/encoder/layer.0/attention/MatMul", "日本語", "e\u{301}", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "C:\\path", ""] {
            #expect(sanitize(s) == s)
        }
    }

    @Test(arguments: [
        ("\u{1B}[2J", "\\e[2J"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("\u{0}", "\\0"),
        ("\u{7}", "\\a"),
        ("\u{1}", "\\x01"),
        ("\u{7F}", "\\x7F"),
        ("\u{9B}31m", "\\u{9B}31m"),
        ("\u{85}", "\\u{85}"),
        ("abc\u{202E}fed", "abc\\u{202E}fed"),
        ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
        ("\u{200F}", "\\u{200F}"),
        ("\u{FEFF}bom", "\\u{FEFF}bom"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
        ("\u{E0041}", "\\u{E0041}"),
        ("\u{FFFF}", "\\u{FFFF}"),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(sanitize(input) == expected)
    }

    @Test func resultIsPrintableAndIdempotent() {
        let nasty = "\u{1B}]0;owned\u{7}\u{1B}[31mred\u{9D}x\u{202D}y\u{0}\n\u{7F}"
        let s = sanitize(nasty)
        for u in s.unicodeScalars {
            #expect(u.value >= 0x20 && u.value != 0x7F && !(0x80...0x9F).contains(u.value))
            #expect(!(0x202A...0x202E).contains(u.value))
        }
        #expect(sanitize(s) == s)
    }

    @Test func linesKeepStructure() {
        #expect(sanitizeLines("one\ntwo\r\nthree\rfour") == ["one", "two", "three", "four"])
        #expect(sanitizeLines("a\tb", tabWidth: 4) == ["a   b"])
        #expect(sanitizeLines("x\u{1B}y\n") == ["x\\ey", ""])
    }
}

@Suite struct StyleTests {
    @Test func rgbToNearest256() {
        #expect(Color.rgb(255, 0, 0).downgraded(to: .indexed256) == .indexed(196))
        #expect(Color.rgb(0, 0, 0).downgraded(to: .indexed256) == .indexed(16))
        #expect(Color.rgb(255, 255, 255).downgraded(to: .indexed256) == .indexed(231))
        #expect(Color.rgb(0x5f, 0xaf, 0xff).downgraded(to: .indexed256) == .indexed(75))
        // Greys go to the grey ramp.
        #expect(Color.rgb(128, 128, 128).downgraded(to: .indexed256) == .indexed(244))
        #expect(Color.rgb(30, 30, 30).downgraded(to: .indexed256) == .indexed(234))
    }

    @Test func downgradeTo16And8() {
        #expect(Color.rgb(255, 0, 0).downgraded(to: .ansi16) == .ansi(9))
        #expect(Color.rgb(255, 0, 0).downgraded(to: .ansi8) == .ansi(1))
        #expect(Color.rgb(0, 0, 0).downgraded(to: .ansi8) == .ansi(0))
        #expect(Color.indexed(21).downgraded(to: .ansi16) == .ansi(4)) // #0000ff is nearest xterm blue (0,0,238)
        #expect(Color.indexed(3).downgraded(to: .ansi16) == .ansi(3))
        #expect(Color.indexed(11).downgraded(to: .ansi8) == .ansi(3))
        #expect(Color.ansi(12).downgraded(to: .ansi8) == .ansi(4))
        #expect(Color.ansi(12).downgraded(to: .ansi16) == .ansi(12))
        #expect(Color.rgb(1, 2, 3).downgraded(to: .truecolor) == .rgb(1, 2, 3))
    }

    @Test func noneDropsColourKeepsAttributes() {
        let s = Style(fg: .rgb(1, 2, 3), bg: .indexed(4), [.bold, .underline])
        let d = s.downgraded(to: .none)
        #expect(d == Style(foreground: .default, background: .default, attributes: [.bold, .underline]))
    }

    @Test func depthFromColourCount() {
        #expect(ColorDepth(colorCount: 0) == .none)
        #expect(ColorDepth(colorCount: 8) == .ansi8)
        #expect(ColorDepth(colorCount: 16) == .ansi16)
        #expect(ColorDepth(colorCount: 88) == .ansi16)
        #expect(ColorDepth(colorCount: 256) == .indexed256)
        #expect(ColorDepth(colorCount: 1 << 24) == .truecolor)
    }

    @Test func patchOverlay() {
        let base = Style(fg: .ansi(2), bg: .ansi(0), [.bold])
        let sel = Style(foreground: .default, background: .ansi(4), attributes: [.underline])
        #expect(base.patched(with: sel) == Style(fg: .ansi(2), bg: .ansi(4), [.bold, .underline]))
    }

    @Test func describe() {
        #expect(Style(fg: .rgb(255, 0, 16), bg: .indexed(4), [.bold]).description == "fg:#ff0010 bg:4 bold")
        #expect(Style.plain.description == "plain")
    }
}

import Foundation
import Testing
@testable import TerminalUI

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ThemeTests {
    @Test func defaultIsTheDarkSchema() {
        let t = Theme.default
        #expect(t.name == "dark")
        #expect(t.colorsEnabled)
        for role in ["normal", "title", "footer", "tree.op", "tree.name", "tree.shape", "tree.selected", "tree.selected.unfocused",
                     "details.key", "details.value", "search.match", "error", "warning", "gradient.0"] {
            #expect(t.roleNames.contains(role), "missing role \(role)")
        }
        #expect(t.gradient.count == 8)
        #expect(t.style("tree.op").foreground == .rgb(0x5f, 0xaf, 0xff))
        #expect(t.style("tree.op").attributes == .bold)
        // Composited over normal; the overlay form is the role alone.
        #expect(t.style("tree.selected").foreground == .indexed(252))
        #expect(t.overlay("tree.selected").foreground == .default)
        #expect(t.overlay("tree.selected").background == .rgb(0x30, 0x50, 0x7a))
        // Unknown roles fall back to their parent, then normal.
        #expect(t.style("tree.op.something") == t.style("tree.op"))
        #expect(t.style("nonexistent") == t.style("normal"))
    }

    @Test(arguments: BuiltinThemes.names)
    func everyBuiltinParses(_ name: String) throws {
        let r = ThemeLoader(environment: [:]).load(name)
        #expect(r.error == nil, "\(r.error?.description ?? "")")
        #expect(r.theme.name == name)
        #expect(Set(r.theme.roleNames).subtracting(Theme.default.roleNames).allSatisfy { $0.hasPrefix("gradient.") })
    }

    @Test(arguments: BuiltinThemes.names)
    func embeddedTextMatchesTheFile(_ name: String) throws {
        let file = try String(contentsOf: repoRoot.appendingPathComponent("themes/\(name).theme"), encoding: .utf8)
        #expect(BuiltinThemes.text[name] == file.dropLastNewline(), "themes/\(name).theme changed: run themes/embed.sh")
    }

    @Test func monochromeHasNoColour() {
        let t = ThemeLoader(environment: [:]).load("monochrome").theme
        #expect(!t.colorsEnabled)
        for role in t.roleNames {
            #expect(t.style(role).foreground == .default && t.style(role).background == .default, "\(role)")
        }
        #expect(t.style("tree.selected").attributes.contains(.reverse))
        #expect(t.gradient.count == 1)
    }

    @Test func lightAndHighContrastDifferFromDark() {
        let l = ThemeLoader(environment: [:]).load("light").theme
        #expect(l.style("normal").background == .rgb(0xfa, 0xfa, 0xfa))
        // Roles that only set a foreground inherit the light background via normal.
        #expect(l.style("tree.op").background == .rgb(0xfa, 0xfa, 0xfa))
        #expect(l.style("tree.op").foreground == .rgb(0, 0x5f, 0xd7))
        let h = ThemeLoader(environment: [:]).load("high-contrast").theme
        #expect(h.style("tree.selected").background == .rgb(255, 255, 0))
    }

    @Test func paletteOverrideReachesRoles() throws {
        let t = try Theme.parse("[palette]\naccent = #ff0000\n", file: "x.theme")
        #expect(t.style("tree.op").foreground == .rgb(255, 0, 0))
        #expect(t.style("details.link").foreground == .rgb(255, 0, 0))
        #expect(t.style("tree.name") == Theme.default.style("tree.name"))
    }

    @Test func paletteNamesShadowBasicColourNames() throws {
        // dark.theme defines `green` in its palette: roles saying fg:green get that, not ANSI green.
        #expect(Theme.default.style("tree.shape").foreground == .rgb(0x87, 0xd7, 0x87))
        let t = try Theme.parse("[roles]\ntree.shape = fg:bright-blue\n", file: "x.theme")
        #expect(t.style("tree.shape").foreground == .ansi(12))
    }

    @Test func syntaxDetails() throws {
        let text = """
            # comment
            name = mine   # trailing comment
            [palette]
            a = #abc
            b = bright-red
            c = 17
            [roles]
            title = fg:a bg:b bold underline # comment
            error = fg:#123456 reverse
            gradient.0 = bg:c
            gradient.1 = bg:default
            """
        let t = try Theme.parse(text, file: "mine.theme")
        #expect(t.name == "mine")
        #expect(t.rawStyles["title"] == Style(fg: .rgb(0xaa, 0xbb, 0xcc), bg: .ansi(9), [.bold, .underline]))
        #expect(t.rawStyles["error"] == Style(fg: .rgb(0x12, 0x34, 0x56), bg: .default, [.reverse]))
        #expect(t.gradient.count == 2) // replaces the default gradient entirely
    }

    @Test(arguments: [
        ("[roles]\ntree.slected = bold\n", 2, "unknown role 'tree.slected' (did you mean 'tree.selected'?)"),
        ("[roles]\ntitle = fg:#12345\n", 2, "bad colour '#12345'"),
        ("[roles]\ntitle = blink\n", 2, "unknown attribute 'blink'"),
        ("[roles]\n\ntitle = fg:acent\n", 3, "role 'title' uses unknown colour 'acent' (did you mean 'accent'?)"),
        ("[colours]\n", 1, "unknown section [colours]"),
        ("[palette]\nx = 300\n", 2, "bad colour '300'"),
        ("just words\n", 1, "expected 'key = value'"),
        ("colors = some\n", 1, "colors must be 'none' or 'auto'"),
        ("title = bold\n", 1, "unknown setting 'title'"),
        ("[roles\n", 1, "unterminated section header"),
    ])
    func brokenFilesSayWhereAndWhat(_ text: String, _ line: Int, _ message: String) {
        do {
            _ = try Theme.parse(text, file: "broken.theme")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "broken.theme")
            #expect(error.line == line)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(error.description.hasPrefix("broken.theme:\(line): "))
        }
    }

    @Test func loaderUsesUserDirectoryAndFallsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tui-theme-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let themes = dir.appendingPathComponent("onnx-explorer/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[roles]\ntitle = fg:#010203\n".write(to: themes.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "[roles]\ntitle = fg:nope\n".write(to: themes.appendingPathComponent("bad.theme"), atomically: true, encoding: .utf8)
        try "[palette]\naccent = #00ff00\n".write(to: themes.appendingPathComponent("light.theme"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(environment: ["XDG_CONFIG_HOME": dir.path, "HOME": "/nonexistent"])
        #expect(loader.userDirectory == themes.path)
        #expect(loader.availableNames() == BuiltinThemes.names + ["bad", "mine"])

        let mine = loader.load("mine")
        #expect(mine.error == nil)
        #expect(mine.theme.name == "mine")
        #expect(mine.theme.style("title").foreground == .rgb(1, 2, 3))
        #expect(mine.source.hasSuffix("mine.theme"))

        let bad = loader.load("bad")
        #expect(bad.theme.name == "dark")
        #expect(bad.error?.description == themes.appendingPathComponent("bad.theme").path + ":2: role 'title' uses unknown colour 'nope'")

        // A user file shadows the built-in of the same name (and still builds on the default).
        let light = loader.load("light")
        #expect(light.theme.style("tree.op").foreground == .rgb(0, 255, 0))

        let missing = loader.load("nosuch")
        #expect(missing.theme.name == "dark")
        #expect(missing.error?.message.hasPrefix("no such theme (available: dark, light") == true)

        let byPath = loader.load(themes.appendingPathComponent("mine.theme").path)
        #expect(byPath.theme.name == "mine")
        let unreadable = loader.load("/nonexistent/x.theme")
        #expect(unreadable.error?.description == "/nonexistent/x.theme: no such file")
        #expect(loader.load("../etc/passwd").error != nil)
    }

    @Test func homeFallbackAndNoColor() {
        let l = ThemeLoader(environment: ["HOME": "/home/u"])
        #expect(l.userDirectory == "/home/u/.config/onnx-explorer/themes")
        #expect(l.defaultName == "dark")
        #expect(l.effectiveDepth(.indexed256) == .indexed256)
        let n = ThemeLoader(environment: ["HOME": "/home/u", "NO_COLOR": "1"])
        #expect(n.defaultName == "monochrome")
        #expect(n.load(nil).theme.name == "monochrome")
        #expect(n.effectiveDepth(.indexed256) == .none)
        // NO_COLOR set but empty does not count.
        #expect(!ThemeLoader(environment: ["NO_COLOR": ""]).noColor)
        // A relative XDG_CONFIG_HOME is ignored, as the spec says.
        #expect(ThemeLoader(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"]).userDirectory == "/h/.config/onnx-explorer/themes")
    }
}

extension String {
    func dropLastNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }
}

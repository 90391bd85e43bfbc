import Testing
@testable import TerminalUI

@Suite struct KeyTests {
    @Test func parseNotation() {
        #expect(Key("q") == .character("q"))
        #expect(Key("C-d") == .ctrl("d"))
        #expect(Key("C-D") == .ctrl("d"))
        #expect(Key("PgDn") == .pageDown)
        #expect(Key("S-Tab") == .backTab)
        #expect(Key("F5") == .function(5))
        #expect(Key("Space") == .character(" "))
        #expect(Key("Nope") == nil)
        #expect(Key("") == nil)
    }

    @Test func labels() {
        #expect(Key.up.label(unicode: true) == "↑")
        #expect(Key.up.label(unicode: false) == "Up")
        #expect(Key.ctrl("u").label() == "C-u")
        #expect(Key.character(" ").label() == "Space")
    }

    enum A: Sendable, Hashable { case quit, down, search, expand, help }

    let map = Keymap<A>([
        KeyBinding(["q"], A.quit, "Quit", hint: "quit"),
        KeyBinding(["?"], A.help, "Show this help", hint: "help"),
        KeyBinding(["j", "Down"], A.down, "Move down", context: "tree"),
        KeyBinding(["/"], A.search, "Search", context: "tree", hint: "search"),
        KeyBinding(["Enter", "l"], A.expand, "Expand", context: "tree", hint: "expand"),
        KeyBinding(["l"], A.down, "Next link", context: "details"),
    ])

    @Test func lookupByContext() {
        #expect(map.action(for: .character("l"), in: ["tree"]) == .expand)
        #expect(map.action(for: .character("l"), in: ["details"]) == .down)
        #expect(map.action(for: .character("q"), in: ["details"]) == .quit)
        #expect(map.action(for: .down, in: ["details"]) == nil)
        #expect(map.action(for: .down, in: ["details", "tree"]) == .down)
    }

    @Test func hintsAndHelpComeFromTheTable() {
        #expect(map.hints(for: ["tree"]).map { "\($0.key) \($0.label)" } == ["/ search", "Enter expand", "q quit", "? help"])
        let help = map.helpSections(unicode: false)
        #expect(help.map(\.context) == ["global", "tree", "details"])
        #expect(help[1].rows.first?.keys == "j Down")
        #expect(map.conflicts().isEmpty)
        let bad = Keymap<A>([KeyBinding(["x"], A.quit, ""), KeyBinding(["x"], A.help, "")])
        #expect(bad.conflicts().count == 1)
    }

    @Test func headlessTerminalScript() {
        let t = HeadlessTerminal(width: 10, height: 3, keys: [.down])
        t.type("ab")
        t.resize(width: 20, height: 5)
        t.sendTimeout()
        #expect(t.nextEvent(timeoutMilliseconds: nil) == .key(.down))
        #expect(t.nextEvent(timeoutMilliseconds: nil) == .key(.character("a")))
        #expect(t.nextEvent(timeoutMilliseconds: nil) == .key(.character("b")))
        #expect(t.size == (10, 3))
        #expect(t.nextEvent(timeoutMilliseconds: nil) == .key(.resize))
        #expect(t.size == (20, 5))
        #expect(t.nextEvent(timeoutMilliseconds: 0) == .timeout)
        #expect(t.nextEvent(timeoutMilliseconds: nil) == .endOfInput)
        var b = ScreenBuffer(width: 20, height: 5)
        b.draw("hi", x: 0, y: 0, style: .plain)
        t.present(b)
        #expect(t.lastChangeCount == 100) // size changed: everything
        t.present(b)
        #expect(t.lastChangeCount == 0)
        #expect(t.frameCount == 2)
        #expect(t.screen.line(0).hasPrefix("hi"))
    }
}

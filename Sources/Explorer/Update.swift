import OnnxModel
import TerminalUI

/// Something that changes the state: a key (mapped through the keymap), a command, a resize,
/// or the result of a side effect the run loop performed.
public enum Action {
    case key(Key)
    case command(Command)
    case resize(width: Int, height: Int)
    case themeLoaded(Theme, error: String?)
    /// Results from the debugger engine.
    case debug(DebugEvent)
    /// An idle tick while the engine works: seconds the current run has taken (nil: none running).
    case tick(elapsed: Double?)
    /// A line for the footer from the run loop (a failed save...).
    case notice(String, isError: Bool)
}

/// What the run loop must do after an update (the only side effects the explorer asks for).
public enum Reaction: Sendable {
    case none
    case quit
    /// Load the theme with this name, then send `.themeLoaded`.
    case loadTheme(String)
    /// Hand these to the debugger engine (and the input store), in order.
    case effects([Effect])
}

/// A side effect of the debugger.
public enum Effect: Sendable {
    case debug(DebugRequest)
    /// Interrupt the running request and drop queued runs.
    case interrupt
    /// Remember the inputs for this model.
    case saveInputs(InputConfig)
    /// Compute the audit report for the provenance screen.
    case audit
}

/// The explorer's state transition: pure apart from lazily built indexes inside the model index.
@discardableResult
public func update(_ s: inout AppState, _ action: Action) -> Reaction {
    let r = updateCore(&s, action)
    guard !s.outbox.isEmpty else { return r }
    let effects = s.outbox
    s.outbox = []
    if case .quit = r { return r }
    return .effects(effects)
}

func updateCore(_ s: inout AppState, _ action: Action) -> Reaction {
    switch action {
    case let .debug(event):
        s.handle(event)
        return .none
    case let .tick(elapsed):
        s.exec.elapsed = elapsed
        return .none
    case let .notice(text, isError):
        s.message = Message(text: text, isError: isError)
        return .none
    case let .resize(w, h):
        s.width = max(0, w)
        s.height = max(0, h)
        s.treeList.reveal(count: s.tree.count, height: s.layout.treeBody.height)
        s.refreshDetails()
        s.detailsList.reveal(count: s.details.count, height: s.layout.detailsBody.height)
        s.clampScreens()
        return .none
    case let .themeLoaded(theme, error):
        s.theme = theme
        if let i = s.themeNames.firstIndex(of: theme.name) { s.themeIndex = i }
        s.refreshDetails(force: true)
        s.metadataWidth = 0
        s.auditWidth = 0
        s.auditLines = []
        s.message = error.map { Message(text: $0, isError: true) } ?? Message(text: "theme: \(theme.name)", isError: false)
        return .none
    case let .command(c):
        return s.perform(c)
    case let .key(k):
        if k == .resize { return .none }
        if case let .mouse(m) = k { s.mouse(m); return .none }
        s.message = nil
        if s.prompt != nil { return s.promptKey(k) }
        if s.helpOffset != nil { s.helpKey(k); return .none }
        if s.exec.isRunning && (k == .escape || k == .ctrl("c")) {
            s.interruptRun()
            return .none
        }
        if s.inputsDialog != nil { s.dialogKey(k); return .none }
        if s.breakMenu { s.breakMenuKey(k); return .none }
        if s.layout.tooSmall {
            if k == .character("q") { s.quitRequested = true; return .quit }
            return .none
        }
        guard let c = s.keymap.action(for: k, in: s.contexts) else { return .none }
        return s.perform(c)
    }
}

extension AppState {
    var contexts: [String] {
        switch screen {
        case .main: return [focus == .tree ? Context.tree : Context.details]
        case .tensor: return [Context.tensor]
        case .metadata: return [Context.metadata]
        case .provenance: return [Context.provenance]
        }
    }

    // MARK: commands

    mutating func perform(_ c: Command) -> Reaction {
        // Typed ahead while a run goes on, commands that act on its results wait for it to stop.
        if exec.isRunning && [.exportNode, .exportTensor, .openTensor, .runToCursor].contains(c) {
            exec.deferred.append(c)
            message = Message(text: "after the run stops (Esc interrupts it)", isError: false)
            return .none
        }
        switch c {
        case .quit:
            quitRequested = true
            return .quit
        case .help:
            helpOffset = 0
        case .focusNext, .focusPrev:
            if case .main = screen { focus = focus == .tree ? .details : .tree }
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-pageSize)
        case .pageDown: move(pageSize)
        case .halfPageUp: move(-max(1, pageSize / 2))
        case .halfPageDown: move(max(1, pageSize / 2))
        case .top: move(-Int.max / 2)
        case .bottom: move(Int.max / 2)
        case .expand: expandOrDescend()
        case .collapse: collapseOrAscend()
        case .toggle:
            if let id = selectedItem, tree.items[Int(id)].expandable {
                tree.setExpanded(id, !tree.items[Int(id)].expanded)
                treeList.reveal(count: tree.count, height: layout.treeBody.height)
            }
        case .activate: activate()
        case .expandAll:
            if let id = selectedItem { tree.expandAll(id); treeList.reveal(count: tree.count, height: layout.treeBody.height) }
        case .collapseAll:
            if let id = selectedItem { tree.collapseAll(id); treeList.reveal(count: tree.count, height: layout.treeBody.height) }
        case .openTensor:
            if let ref = tensorForSelection() ?? runtimeTensorForSelection() { pushHistory(); openTensor(ref) } else {
                message = Message(text: "no tensor data here (select an initializer, a Constant, or a node that ran: s steps)", isError: false)
            }
        case .back: back()
        case .escape:
            if case .main = screen {
                if search != nil { search = nil } else if filterText != nil { clearFilter() }
            } else {
                back()
            }
        case .openSearch: prompt = Prompt(kind: .search)
        case .openJump:
            prompt = Prompt(kind: .jump)
            updateCompletions()
        case .openFilter: prompt = Prompt(kind: .filter, text: filterText ?? "")
        case .nextMatch: stepMatch(1)
        case .prevMatch: stepMatch(-1)
        case .cycleTheme:
            guard !themeNames.isEmpty else { return .none }
            themeIndex = (themeIndex + 1) % themeNames.count
            return .loadTheme(themeNames[themeIndex])
        case .metadata:
            if case .metadata = screen { back() } else {
                pushHistory()
                screen = .metadata
                metadataOffset = 0
                ensureMetadata()
            }
        case .scrollLeft: tensorScroll(cols: -1)
        case .scrollRight: tensorScroll(cols: 1)
        case .slicePrev: stepSlice(-1)
        case .sliceNext: stepSlice(1)
        case .axisPrev: stepAxis(-1)
        case .axisNext: stepAxis(1)
        case .toggleHeatMap:
            if case var .tensor(t) = screen {
                t.mode = t.mode == .values ? .heatMap : .values
                screen = .tensor(t)
            }
        case .step, .stepInto, .stepOut, .continueRun, .runToCursor, .toggleBreakpoint, .breakOnOp, .breakMenu, .restart,
             .inputs, .exportTensor, .exportNode, .firstDivergence, .loadReference, .provenance, .findSpecial,
             .breakNaN, .breakInf, .breakMagnitude, .breakDiff, .clearBreakpoints,
             .dialogNextKind, .dialogPrevKind, .dialogEdit, .dialogApply:
            debugCommand(c)
        case .prevValue: cycleValue(-1)
        case .nextValue: cycleValue(1)
        }
        return .none
    }

    var pageSize: Int {
        switch screen {
        case .main: return max(1, (focus == .tree ? layout.treeBody.height : layout.detailsBody.height) - 1)
        default: return max(1, layout.body.height - 2)
        }
    }

    mutating func move(_ delta: Int) {
        switch screen {
        case .main:
            if focus == .tree {
                treeList.move(by: delta, count: tree.count, height: layout.treeBody.height)
                refreshDetails()
            } else {
                detailsList.move(by: delta, count: details.count, height: layout.detailsBody.height)
            }
        case .metadata:
            ensureMetadata()
            metadataOffset = max(0, min(TextView.maxOffset(count: metadataLines.count, height: layout.body.height), metadataOffset.addingClamped(delta)))
        case .provenance:
            ensureAuditLines()
            auditOffset = max(0, min(TextView.maxOffset(count: auditLines.count, height: layout.body.height - 1), auditOffset.addingClamped(delta)))
        case var .tensor(t):
            let g = TensorGrid(t, width: width, height: height)
            t.rowOffset = max(0, min(max(0, g.rows - g.visibleRows), t.rowOffset.addingClamped(delta)))
            screen = .tensor(t)
        }
    }

    mutating func expandOrDescend() {
        guard let id = selectedItem else { return }
        let it = tree.items[Int(id)]
        guard it.expandable else { return }
        if !it.expanded {
            tree.setExpanded(id, true)
            treeList.reveal(count: tree.count, height: layout.treeBody.height)
        } else if let first = tree.items[Int(id)].children.first, let r = tree.row(of: first) {
            treeList.select(r, count: tree.count, height: layout.treeBody.height)
            refreshDetails()
        }
    }

    mutating func collapseOrAscend() {
        guard let id = selectedItem else { return }
        let it = tree.items[Int(id)]
        if it.expandable && it.expanded {
            tree.setExpanded(id, false)
            treeList.reveal(count: tree.count, height: layout.treeBody.height)
        } else if it.parent >= 0, let r = tree.row(of: it.parent) {
            treeList.select(r, count: tree.count, height: layout.treeBody.height)
            refreshDetails()
        }
    }

    mutating func activate() {
        switch screen {
        case .main where focus == .tree:
            guard let id = selectedItem else { return }
            let it = tree.items[Int(id)]
            if it.expandable {
                tree.setExpanded(id, !it.expanded)
                treeList.reveal(count: tree.count, height: layout.treeBody.height)
            } else if let ref = tensorForSelection() {
                pushHistory()
                openTensor(ref)
            } else {
                focus = .details
            }
        case .main:
            guard detailsList.selected < details.count else { return }
            if let link = details[detailsList.selected].link { follow(link) }
        default:
            break
        }
    }

    /// The tensor the selected tree item holds (initializer, or a Constant's value).
    func tensorForSelection() -> TensorRef? {
        switch selectedKind {
        case let .initializer(g, i)?: return .initializer(graph: g, index: i)
        case let .node(ref)?:
            let n = index.node(ref)
            if let ai = n.attributes.firstIndex(where: { if case .tensor = $0.value { return true }; if case .sparseTensor = $0.value { return true }; return false }) {
                return .attribute(ref, attribute: ai, element: 0)
            }
            return nil
        case let .input(g, i)?:
            let name = index.graph(g).inputs[i].name
            return index.graphs[g].initializerIndex[name].map { .initializer(graph: g, index: $0) }
        default: return nil
        }
    }

    // MARK: links and history

    mutating func follow(_ link: Link) {
        pushHistory()
        switch link {
        case let .item(kind):
            select(kind)
            detailsList = ListViewState()
        case let .tensor(ref):
            openTensor(ref)
        case .metadata:
            screen = .metadata
            ensureMetadata()
        }
    }

    var location: Location {
        let sk: Location.ScreenKind
        switch screen {
        case .main: sk = .main
        case let .tensor(t): sk = .tensor(t.ref)
        case .metadata: sk = .metadata
        case .provenance: sk = .provenance
        }
        return Location(item: selectedKind, screen: sk, focus: focus, detailsRow: detailsList.selected)
    }

    mutating func pushHistory() {
        let l = location
        if history.last != l { history.append(l) }
        if history.count > 500 { history.removeFirst(history.count - 500) }
    }

    mutating func back() {
        guard let l = history.popLast() else {
            if case .main = screen {
                message = Message(text: "nothing to go back to", isError: false)
            } else {
                screen = .main
            }
            return
        }
        if let k = l.item, k != selectedKind { select(k) }
        switch l.screen {
        case .main: screen = .main
        case let .tensor(ref): openTensor(ref)
        case .metadata:
            screen = .metadata
            ensureMetadata()
        case .provenance:
            screen = .provenance
        }
        focus = l.focus
        detailsList.select(l.detailsRow, count: details.count, height: layout.detailsBody.height)
    }

    /// Selects the tree item for `kind`, expanding (and building) what is needed.
    mutating func select(_ kind: ItemKind) {
        guard let id = tree.reveal(kind), let r = tree.row(of: id) else {
            message = Message(text: "cannot show that item in the tree", isError: true)
            return
        }
        treeList.select(r, count: tree.count, height: layout.treeBody.height)
        // Centre the jump target when it had to scroll.
        let h = layout.treeBody.height
        if r >= h && (r < treeList.offset + 2 || r > treeList.offset + h - 3) {
            treeList.offset = max(0, min(r - h / 2, max(0, tree.count - h)))
        }
        screen = .main
        refreshDetails()
    }

    // MARK: details, metadata

    mutating func refreshDetails(force: Bool = false) {
        let w = layout.detailsBody.width
        let kind = selectedKind
        guard force || kind != detailsFor || w != detailsWidth else { return }
        if kind != detailsFor { detailsList = ListViewState() }
        var b = DetailsBuilder(index: index, theme: theme, width: w, glyphs: glyphs)
        if exec.active || !exec.records.isEmpty { b.exec = exec }
        b.build(kind, item: selectedItem.map { tree.items[Int($0)] })
        details = b.lines
        detailsFor = kind
        detailsWidth = w
        detailsList.reveal(count: details.count, height: layout.detailsBody.height)
    }

    mutating func ensureMetadata() {
        guard metadataWidth != width || metadataLines.isEmpty else { return }
        metadataLines = Explorer.metadataLines(index: index, theme: theme, width: max(20, width - 1))
        metadataWidth = width
    }

    mutating func clampScreens() {
        switch screen {
        case .metadata:
            ensureMetadata()
            metadataOffset = min(metadataOffset, TextView.maxOffset(count: metadataLines.count, height: layout.body.height))
        case .tensor: move(0); tensorScroll(cols: 0)
        case .provenance: move(0)
        case .main: break
        }
    }

    // MARK: tensor screen

    mutating func openTensor(_ ref: TensorRef) {
        var t = TensorViewState(ref: ref, title: "")
        let data = index.tensor(ref)
        t.tensor = data
        switch ref {
        case let .initializer(g, i): t.title = "initializer " + index.graph(g).initializers[i].name
        case let .attribute(n, a, e):
            let node = index.node(n)
            t.title = "\(node.opType) \(node.displayName(index: n.node)) \(glyphs.dot) \(node.attributes[a].name)" + (e > 0 ? "[\(e)]" : "")
        case let .runtime(spec):
            t.title = runtimeTitle(spec)
            if let f = exec.valueCache[spec] {
                fill(&t, f)
            } else {
                t.loading = true
                request(.fetch(spec, referenceName: referenceName(for: spec)))
            }
            screen = .tensor(t)
            return
        }
        if let data {
            decode(&t, data)
        } else {
            t.error = "no such tensor"
        }
        screen = .tensor(t)
    }

    /// Decodes `data` into the view: values, stats, slice, first NaN/Inf.
    func decode(_ t: inout TensorViewState, _ data: TensorData) {
        do {
            let v = try TensorValues(data)
            t.values = v
            t.stats = TensorStats(v)
            t.slice = Array(repeating: 0, count: max(0, v.dims.count - 2))
            if !v.isNumeric && v.dtype != .string { t.error = "values of type \(v.dtype.name) are not decoded" }
            if t.stats.nans > 0 || t.stats.infs > 0 || t.stats.sampled {
                (t.firstNaN, t.firstInf) = v.firstSpecial()
            }
        } catch {
            t.error = error.description
        }
    }

    mutating func tensorScroll(cols delta: Int) {
        guard case var .tensor(t) = screen else { return }
        let g = TensorGrid(t, width: width, height: height)
        t.colOffset = max(0, min(max(0, g.cols - g.visibleCols), t.colOffset.addingClamped(delta)))
        screen = .tensor(t)
    }

    mutating func stepSlice(_ d: Int) {
        guard case var .tensor(t) = screen, let v = t.values, !t.slice.isEmpty else { return }
        let dim = v.dims[t.axis]
        guard dim > 0 else { return }
        t.slice[t.axis] = ((t.slice[t.axis] + d) % dim + dim) % dim
        screen = .tensor(t)
    }

    mutating func stepAxis(_ d: Int) {
        guard case var .tensor(t) = screen, !t.slice.isEmpty else { return }
        t.axis = ((t.axis + d) % t.slice.count + t.slice.count) % t.slice.count
        screen = .tensor(t)
    }

    // MARK: search, jump, filter

    mutating func ensureSearchIndex() -> SearchIndex {
        if let si = searchIndex { return si }
        let si = SearchIndex(index: index)
        searchIndex = si
        return si
    }

    mutating func promptKey(_ k: Key) -> Reaction {
        guard var p = prompt else { return .none }
        switch k {
        case .escape:
            prompt = nil
            return .none
        case .enter:
            prompt = nil
            submit(p)
            return .none
        case .backspace:
            if p.text.isEmpty { prompt = nil; return .none }
            p.text.removeLast()
        case .ctrl("u"):
            p.text = ""
        case .tab where p.kind == .jump:
            p.text = completion(for: p.text)
        case .tab where p.kind == .breakpoint:
            p.text = opCompletion(for: p.text)
        case let .character(c):
            guard p.text.count < 1000 else { return .none }
            p.text.append(c)
        default:
            return .none
        }
        prompt = p
        if p.kind == .jump || p.kind == .breakpoint { updateCompletions() }
        return .none
    }

    /// Names starting with `prefix` (binary search over the sorted name list).
    func completionRange(_ prefix: String) -> Range<Int> {
        let names = index.jumpNames
        var lo = 0, hi = names.count
        while lo < hi { let mid = (lo + hi) / 2; if names[mid] < prefix { lo = mid + 1 } else { hi = mid } }
        // Names with the prefix are contiguous from `lo`: find where they end.
        var l2 = lo, h2 = names.count
        while l2 < h2 { let mid = (l2 + h2) / 2; if names[mid].hasPrefix(prefix) { l2 = mid + 1 } else { h2 = mid } }
        let end = l2
        return lo..<end
    }

    func completion(for text: String) -> String {
        let r = completionRange(text)
        guard !r.isEmpty else { return text }
        let names = index.jumpNames
        if r.count == 1 { return names[r.lowerBound] }
        let first = Array(names[r.lowerBound]), last = Array(names[r.upperBound - 1])
        var n = 0
        while n < first.count && n < last.count && first[n] == last[n] { n += 1 }
        return String(first[..<n]).count > text.count ? String(first[..<n]) : text
    }

    mutating func updateCompletions() {
        if let p = prompt, p.kind == .breakpoint {
            let m = opTypes.filter { $0.hasPrefix(p.text) }
            prompt?.completionCount = m.count
            prompt?.completions = Array(m.prefix(8))
            return
        }
        guard var p = prompt, p.kind == .jump else { return }
        let r = completionRange(p.text)
        p.completionCount = r.count
        p.completions = Array(index.jumpNames[r].prefix(8))
        prompt = p
    }

    mutating func submit(_ p: Prompt) {
        switch p.kind {
        case .search:
            guard !p.text.isEmpty else { search = nil; return }
            do {
                let pat = try Pattern(p.text)
                let matches = ensureSearchIndex().search(pat)
                guard !matches.isEmpty else {
                    search = SearchState(pattern: pat, matches: [], current: 0)
                    message = Message(text: "no match for /\(p.text)/", isError: true)
                    return
                }
                search = SearchState(pattern: pat, matches: matches, current: firstMatchFromSelection(matches))
                pushHistory()
                goToCurrentMatch()
            } catch {
                message = Message(text: error.message, isError: true)
            }
        case .jump:
            let name = p.text
            guard !name.isEmpty else { return }
            var target = SearchIndex.target(named: name, index: index)
            if target == nil {
                let r = completionRange(name)
                if r.count == 1 { target = SearchIndex.target(named: index.jumpNames[r.lowerBound], index: index) }
            }
            guard let target else {
                message = Message(text: "no node or tensor named '\(name)'", isError: true)
                return
            }
            pushHistory()
            screen = .main
            select(target)
        case .filter:
            guard !p.text.isEmpty else { clearFilter(); return }
            do {
                let pat = try Pattern(p.text)
                let matches = ensureSearchIndex().search(pat)
                let keepSelection = selectedKind
                tree.setFilter(matches)
                filterText = p.text
                if let k = keepSelection, let id = tree.itemFor[k], let r = tree.row(of: id) {
                    treeList.select(r, count: tree.count, height: layout.treeBody.height)
                } else {
                    treeList.select(0, count: tree.count, height: layout.treeBody.height)
                }
                if let first = matches.first, let id = tree.itemFor[first], let r = tree.row(of: id), selectedKind != first, !matches.contains(selectedKind ?? first) {
                    treeList.select(r, count: tree.count, height: layout.treeBody.height)
                }
                refreshDetails()
                message = Message(text: "filter /\(p.text)/: \(Fmt.plural(matches.count, "match"))" + (matches.isEmpty ? "" : "; f then Enter on an empty line clears"), isError: matches.isEmpty)
            } catch {
                message = Message(text: error.message, isError: true)
            }
        default:
            submitDebugPrompt(p)
        }
    }

    mutating func clearFilter() {
        let k = selectedKind
        tree.setFilter(nil)
        filterText = nil
        if let k, let id = tree.reveal(k), let r = tree.row(of: id) {
            treeList.select(r, count: tree.count, height: layout.treeBody.height)
            treeList.offset = max(0, min(r - layout.treeBody.height / 2, max(0, tree.count - layout.treeBody.height)))
        } else {
            treeList.reveal(count: tree.count, height: layout.treeBody.height)
        }
        refreshDetails()
    }

    func firstMatchFromSelection(_ matches: [ItemKind]) -> Int {
        let sel = treeList.selected
        for (i, m) in matches.enumerated() {
            if let id = tree.itemFor[m], let r = tree.row(of: id), r >= sel { return i }
        }
        return 0
    }

    mutating func stepMatch(_ d: Int) {
        guard var s = search, !s.matches.isEmpty else {
            message = Message(text: search == nil ? "no search: / to search" : "no matches", isError: false)
            return
        }
        s.current = ((s.current + d) % s.matches.count + s.matches.count) % s.matches.count
        search = s
        goToCurrentMatch()
    }

    mutating func goToCurrentMatch() {
        guard let s = search, s.current < s.matches.count else { return }
        select(s.matches[s.current])
        focus = .tree
        message = Message(text: "match \(s.current + 1) of \(s.matches.count) for /\(s.pattern.source)/", isError: false)
    }

    // MARK: help and mouse

    mutating func helpKey(_ k: Key) {
        switch k {
        case .down, .character("j"): helpOffset = (helpOffset ?? 0) + 1
        case .up, .character("k"): helpOffset = max(0, (helpOffset ?? 0) - 1)
        case .pageDown, .ctrl("d"), .character(" "): helpOffset = (helpOffset ?? 0) + max(1, height / 2)
        case .pageUp, .ctrl("u"): helpOffset = max(0, (helpOffset ?? 0) - max(1, height / 2))
        case .character("g"), .home: helpOffset = 0
        default: helpOffset = nil
        }
        if let o = helpOffset { helpOffset = min(o, max(0, helpLines().count - 1)) }
    }

    mutating func mouse(_ m: MouseEvent) {
        if helpOffset != nil {
            switch m {
            case .wheelDown: helpKey(.down); helpKey(.down); helpKey(.down)
            case .wheelUp: helpKey(.up); helpKey(.up); helpKey(.up)
            case .click: helpOffset = nil
            }
            return
        }
        guard prompt == nil, inputsDialog == nil, !breakMenu, !layout.tooSmall else { return }
        let l = layout
        switch m {
        case let .click(x, y):
            guard case .main = screen else { return }
            if l.treeBody.contains(x: x, y: y) {
                focus = .tree
                let r = treeList.offset + (y - l.treeBody.y)
                guard r < tree.count else { return }
                let it = tree.item(atRow: r)
                let markerX = l.treeBody.x + 2 * Int(it.depth)
                if it.expandable && (x == markerX || (r == treeList.selected && x > markerX)) {
                    treeList.select(r, count: tree.count, height: l.treeBody.height)
                    tree.setExpanded(tree.rows[r], !it.expanded)
                    treeList.reveal(count: tree.count, height: l.treeBody.height)
                } else {
                    treeList.select(r, count: tree.count, height: l.treeBody.height)
                }
                refreshDetails()
            } else if l.detailsBody.contains(x: x, y: y) {
                focus = .details
                let r = detailsList.offset + (y - l.detailsBody.y)
                guard r < details.count else { return }
                if r == detailsList.selected, let link = details[r].link { follow(link); return }
                detailsList.select(r, count: details.count, height: l.detailsBody.height)
            }
        case let .wheelUp(x, y), let .wheelDown(x, y):
            var d = 3
            if case .wheelUp = m { d = -3 }
            switch screen {
            case .main:
                if l.tree.contains(x: x, y: y) {
                    treeList.scroll(by: d, count: tree.count, height: l.treeBody.height)
                    refreshDetails()
                } else if l.details.contains(x: x, y: y) {
                    detailsList.scroll(by: d, count: details.count, height: l.detailsBody.height)
                }
            default:
                move(d)
            }
        }
    }
}

extension Int {
    func addingClamped(_ d: Int) -> Int {
        let (r, o) = addingReportingOverflow(d)
        return o ? (d > 0 ? Int.max : Int.min) : r
    }
}

import OnnxModel
import Reports
import TerminalUI

/// The two panes of the main screen.
public enum Pane: Sendable, Hashable {
    case tree, details
}

/// Where a details line leads when followed.
public enum Link: Sendable, Hashable {
    case item(ItemKind)
    case tensor(TensorRef)
    case metadata
}


/// One line of the details pane.
struct DetailLine {
    var spans: StyledLine
    var link: Link?
    init(_ spans: StyledLine, link: Link? = nil) {
        self.spans = spans
        self.link = link
    }
}

/// A place the user has been, for Backspace.
struct Location: Equatable {
    enum ScreenKind: Equatable {
        case main
        case tensor(TensorRef)
        case metadata
        case provenance
    }
    var item: ItemKind?
    var screen: ScreenKind
    var focus: Pane
    var detailsRow: Int
}

/// The tensor screen's state.
struct TensorViewState {
    enum Mode { case values, heatMap }
    var ref: TensorRef
    var title: String
    var tensor: TensorData?
    var values: TensorValues?
    var error: String?
    var stats = TensorStats()
    /// Indices along the leading dimensions (all but the last two).
    var slice: [Int] = []
    /// Which leading dimension `[`/`]` step along.
    var axis = 0
    var rowOffset = 0
    var colOffset = 0
    var mode = Mode.values
    /// Runtime values: waiting for the engine, or why there is nothing to show.
    var loading = false
    var note: String?
    /// Exact flat indices of the first NaN and infinity.
    var firstNaN: Int?
    var firstInf: Int?
    /// The reference tensor and how the value compares with it.
    var reference: TensorValues?
    var diff: DiffSummary?
    /// An element `f` jumped to (drawn highlighted).
    var mark: Int?
    /// Tolerance used to highlight differing elements.
    var rtol = 1e-3
    var atol = 1e-5

    /// Lines between the stats line and the histogram (first NaN/Inf, reference comparison).
    var extraLines: Int { (firstNaN != nil || firstInf != nil ? 1 : 0) + (diff != nil ? 1 : 0) + (note != nil && values != nil ? 1 : 0) }
}

enum Screen {
    case main
    case tensor(TensorViewState)
    case metadata
    case provenance
}

/// A line of text being typed at the bottom of the screen.
struct Prompt {
    enum Kind: Equatable {
        case search, jump, filter
        /// Debugger prompts: a breakpoint spec, a |x| threshold, export targets, a reference folder,
        /// a value in the inputs dialog (its row).
        case breakpoint, threshold, exportTensor, exportNode, reference, inputValue(Int)
    }
    var kind: Kind
    var text = ""
    /// Completions for `:` (names starting with the text), first few.
    var completions: [String] = []
    var completionCount = 0
}

struct SearchState {
    var pattern: Pattern
    var matches: [ItemKind]
    var current: Int
}

struct Message: Equatable {
    var text: String
    var isError: Bool
}

/// Everything the explorer shows. Changed only by `update(_:_:)`; drawn by `render(_:)`.
public struct AppState {
    let index: ModelIndex
    var tree: TreeModel
    var treeList = ListViewState()
    var focus = Pane.tree
    var screen = Screen.main
    var helpOffset: Int?
    var prompt: Prompt?
    var search: SearchState?
    var filterText: String?
    var searchIndex: SearchIndex?
    var details: [DetailLine] = []
    var detailsList = ListViewState()
    var detailsFor: ItemKind?
    var detailsWidth = 0
    var metadataLines: [StyledLine] = []
    var metadataWidth = 0
    var metadataOffset = 0
    var history: [Location] = []
    var message: Message?
    public internal(set) var width: Int
    public internal(set) var height: Int
    public internal(set) var theme: Theme
    var themeNames: [String]
    var themeIndex = 0
    var capabilities: TerminalCapabilities
    public internal(set) var quitRequested = false
    let keymap: Keymap<Command>
    /// The debugger: session, per-node results, breakpoints, reference.
    public internal(set) var exec = ExecState()
    var inputsDialog: InputsDialog?
    var breakMenu = false
    /// The provenance screen's audit report (computed off the UI thread on first use).
    var audit: AuditReport?
    var auditRequested = false
    var auditLines: [StyledLine] = []
    var auditWidth = 0
    var auditOffset = 0
    /// Side effects asked for by the current update (returned as `Reaction.effects`).
    var outbox: [Effect] = []
    /// What a pending export prompt writes.
    var exportTarget: ExportTarget?

    var glyphs: Glyphs { capabilities.glyphs }

    /// A state for `model` on a `width` x `height` terminal.
    public init(index: ModelIndex, width: Int, height: Int, theme: Theme = .default, themeNames: [String] = BuiltinThemes.names,
                capabilities: TerminalCapabilities = TerminalCapabilities()) {
        self.index = index
        self.tree = TreeModel(index: index)
        self.width = width
        self.height = height
        self.theme = theme
        self.themeNames = themeNames
        self.themeIndex = themeNames.firstIndex(of: theme.name) ?? 0
        self.capabilities = capabilities
        self.keymap = explorerKeymap
        // Start on the first node when there is one.
        if let first = tree.rows.firstIndex(where: { if case .node = tree.items[Int($0)].kind { return true }; return false }) {
            treeList.select(first, count: tree.count, height: layout.treeBody.height)
        }
        refreshDetails()
        if !index.problems.isEmpty {
            let errors = index.problems.filter { $0.severity == .error }.count
            message = Message(text: "model has \(Fmt.plural(index.problems.count, "validation problem"))" + (errors > 0 ? " (\(errors) errors)" : "") + ": m shows them", isError: errors > 0)
        }
    }

    /// The selected tree item.
    var selectedKind: ItemKind? {
        guard treeList.selected < tree.count else { return nil }
        return tree.kind(atRow: treeList.selected)
    }

    var selectedItem: Int32? {
        guard treeList.selected < tree.count else { return nil }
        return tree.rows[treeList.selected]
    }

    var layout: Layout { Layout(width: width, height: height) }

    /// Text of the current screen as lines (for tests and debugging).
    public var screenText: String { render(self).text }
}

/// Where everything goes on the screen.
struct Layout {
    static let minWidth = 50
    static let minHeight = 12
    var width: Int
    var height: Int

    var tooSmall: Bool { width < Layout.minWidth || height < Layout.minHeight }
    var titleBar: Rect { Rect(x: 0, y: 0, width: width, height: 1) }
    var footer: Rect { Rect(x: 0, y: height - 1, width: width, height: 1) }
    /// Between the title bar and the footer.
    var body: Rect { Rect(x: 0, y: 1, width: width, height: max(0, height - 2)) }
    var treeWidth: Int { max(30, min(width - 30, width * 9 / 20)) }
    var tree: Rect { Rect(x: 0, y: 1, width: treeWidth, height: body.height) }
    var separatorX: Int { treeWidth }
    var details: Rect { Rect(x: treeWidth + 1, y: 1, width: max(0, width - treeWidth - 1), height: body.height) }
    /// Pane contents below their title rows.
    var treeBody: Rect { tree.inset(top: 1) }
    var detailsBody: Rect { details.inset(top: 1, left: 1) }
}

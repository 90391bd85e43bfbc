import TerminalUI

/// What a key does. The keymap table below maps keys to commands per context; the same table
/// generates the footer hints and the help overlay.
public enum Command: Sendable, Hashable {
    case quit, help, focusNext, focusPrev
    case up, down, pageUp, pageDown, halfPageUp, halfPageDown, top, bottom
    case expand, collapse, toggle, activate, expandAll, collapseAll, openTensor
    case back, escape
    case openSearch, nextMatch, prevMatch, openJump, openFilter
    case cycleTheme, metadata
    case scrollLeft, scrollRight, slicePrev, sliceNext, axisPrev, axisNext, toggleHeatMap
}

/// Contexts, most specific first in lookups.
enum Context {
    static let tree = "tree"
    static let details = "details"
    static let tensor = "tensor"
    static let metadata = "metadata"
    static let global = "global"
}

let explorerKeymap = Keymap<Command>([
    // Tree pane
    KeyBinding(["Enter"], .activate, "Expand or collapse; open a tensor", context: Context.tree, hint: "open"),
    KeyBinding(["l", "Right"], .expand, "Expand, or go to the first child", context: Context.tree),
    KeyBinding(["h", "Left"], .collapse, "Collapse, or go to the parent", context: Context.tree),
    KeyBinding(["Space"], .toggle, "Expand or collapse", context: Context.tree),
    KeyBinding(["e"], .expandAll, "Expand everything below", context: Context.tree),
    KeyBinding(["c"], .collapseAll, "Collapse everything below", context: Context.tree),
    KeyBinding(["t"], .openTensor, "Open the tensor view (initializers, constants)", context: Context.tree),
    // Details pane
    KeyBinding(["Enter", "l", "Right"], .activate, "Follow the link on this line", context: Context.details, hint: "follow"),
    KeyBinding(["h", "Left"], .focusPrev, "Back to the tree", context: Context.details),
    // Tensor screen
    KeyBinding(["h", "Left"], .scrollLeft, "Scroll columns left", context: Context.tensor),
    KeyBinding(["l", "Right"], .scrollRight, "Scroll columns right", context: Context.tensor),
    KeyBinding(["["], .slicePrev, "Previous slice along the selected axis", context: Context.tensor, hint: "slice"),
    KeyBinding(["]"], .sliceNext, "Next slice along the selected axis", context: Context.tensor),
    KeyBinding(["<"], .axisPrev, "Select the previous leading axis", context: Context.tensor),
    KeyBinding([">"], .axisNext, "Select the next leading axis", context: Context.tensor),
    KeyBinding(["v"], .toggleHeatMap, "Values or heat map", context: Context.tensor, hint: "heat map"),
    KeyBinding(["Esc"], .back, "Close the tensor view", context: Context.tensor, hint: "close"),
    // Metadata screen
    KeyBinding(["Esc", "m"], .back, "Close the metadata screen", context: Context.metadata, hint: "close"),
    // Everywhere
    KeyBinding(["j", "Down"], .down, "Move down"),
    KeyBinding(["k", "Up"], .up, "Move up"),
    KeyBinding(["C-d"], .halfPageDown, "Half a page down"),
    KeyBinding(["C-u"], .halfPageUp, "Half a page up"),
    KeyBinding(["PgDn", "C-f"], .pageDown, "Page down"),
    KeyBinding(["PgUp", "C-b"], .pageUp, "Page up"),
    KeyBinding(["g", "Home"], .top, "First row"),
    KeyBinding(["G", "End"], .bottom, "Last row"),
    KeyBinding(["Tab"], .focusNext, "Next pane", hint: "pane"),
    KeyBinding(["S-Tab"], .focusPrev, "Previous pane"),
    KeyBinding(["/"], .openSearch, "Search names, op types, tensors, attribute values (regex)", hint: "search"),
    KeyBinding(["n"], .nextMatch, "Next match"),
    KeyBinding(["N"], .prevMatch, "Previous match"),
    KeyBinding([":"], .openJump, "Jump to a node or tensor by name (Tab completes)", hint: "jump"),
    KeyBinding(["f"], .openFilter, "Filter the tree to matching nodes (empty clears)", hint: "filter"),
    KeyBinding(["Backspace"], .back, "Back to where you were", hint: "back"),
    KeyBinding(["m"], .metadata, "Model metadata, opsets, functions, problems", hint: "meta"),
    KeyBinding(["T"], .cycleTheme, "Next colour theme", hint: "theme"),
    KeyBinding(["Esc"], .escape, "Clear the search highlight / close"),
    KeyBinding(["?", "F1"], .help, "This help", hint: "help"),
    KeyBinding(["q", "C-c"], .quit, "Quit", hint: "quit"),
])

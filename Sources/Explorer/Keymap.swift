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
    // Debugger
    case step, stepInto, stepOut, continueRun, runToCursor, toggleBreakpoint, breakOnOp, breakMenu, restart
    case inputs, exportTensor, exportNode, firstDivergence, loadReference, provenance, findSpecial
    // Breakpoints menu
    case breakNaN, breakInf, breakMagnitude, breakDiff, clearBreakpoints
    // Inputs dialog
    case dialogNextKind, dialogPrevKind, dialogEdit, dialogApply
    // Tensor view of a node's values
    case prevValue, nextValue
}

/// Contexts, most specific first in lookups.
enum Context {
    static let tree = "tree"
    static let details = "details"
    static let tensor = "tensor"
    static let metadata = "metadata"
    static let provenance = "provenance"
    static let inputs = "inputs"
    static let breakpoints = "breakpoints"
    static let global = "global"
}

let explorerKeymap = Keymap<Command>([
    // Tree pane
    KeyBinding(["Enter"], .activate, "Expand or collapse; open a tensor", context: Context.tree, hint: "open"),
    KeyBinding(["l", "Right"], .expand, "Expand, or go to the first child", context: Context.tree),
    KeyBinding(["h", "Left"], .collapse, "Collapse, or go to the parent", context: Context.tree),
    KeyBinding(["Space"], .toggle, "Expand or collapse", context: Context.tree),
    KeyBinding(["E", "*"], .expandAll, "Expand everything below", context: Context.tree),
    KeyBinding(["C"], .collapseAll, "Collapse everything below", context: Context.tree),
    KeyBinding(["t"], .openTensor, "Open the tensor view (initializers, constants, values a run computed)", context: Context.tree),
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
    KeyBinding(["f"], .findSpecial, "Go to the first NaN, infinity or element differing from the reference", context: Context.tensor, hint: "first NaN"),
    KeyBinding(["e"], .exportTensor, "Write this tensor to a .npy or .pb file", context: Context.tensor, hint: "export"),
    KeyBinding(["{"], .prevValue, "Previous input or output of the node (values a run computed)", context: Context.tensor),
    KeyBinding(["}"], .nextValue, "Next input or output of the node", context: Context.tensor),
    KeyBinding(["Esc"], .back, "Close the tensor view", context: Context.tensor, hint: "close"),
    // Metadata screen
    KeyBinding(["Esc", "m"], .back, "Close the metadata screen", context: Context.metadata, hint: "close"),
    // Provenance screen
    KeyBinding(["Esc", "p"], .back, "Close the provenance screen", context: Context.provenance, hint: "close"),
    // Inputs dialog
    KeyBinding(["j", "Down"], .down, "Next row", context: Context.inputs),
    KeyBinding(["k", "Up"], .up, "Previous row", context: Context.inputs),
    KeyBinding(["Space", "l", "Right"], .dialogNextKind, "Next kind of input: normal, uniform, zeros, ones, file", context: Context.inputs, hint: "kind"),
    KeyBinding(["h", "Left"], .dialogPrevKind, "Previous kind of input", context: Context.inputs),
    KeyBinding(["Enter"], .dialogEdit, "Edit the value: file path, mean and std, range, dim, seed", context: Context.inputs, hint: "edit"),
    KeyBinding(["a"], .dialogApply, "Apply, remember for this model and restart the session", context: Context.inputs, hint: "apply"),
    KeyBinding(["Esc", "q"], .escape, "Close without applying", context: Context.inputs, hint: "cancel"),
    // Breakpoints menu
    KeyBinding(["n"], .breakNaN, "Break after a node whose output has a NaN", context: Context.breakpoints),
    KeyBinding(["i"], .breakInf, "Break after a node whose output has an infinity", context: Context.breakpoints),
    KeyBinding(["a"], .breakMagnitude, "Break when |x| exceeds a threshold (prompt; empty clears)", context: Context.breakpoints),
    KeyBinding(["d"], .breakDiff, "Break when an output differs from the reference beyond tolerance", context: Context.breakpoints),
    KeyBinding(["o", "B"], .breakOnOp, "Break before nodes of an op type, or on a spec (prompt)", context: Context.breakpoints),
    KeyBinding(["x"], .clearBreakpoints, "Clear every breakpoint", context: Context.breakpoints),
    KeyBinding(["Esc", "!", "q"], .escape, "Close the menu", context: Context.breakpoints, hint: "close"),
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
    KeyBinding(["f"], .openFilter, "Filter the tree to matching nodes (empty clears)"),
    KeyBinding(["s"], .step, "Step: run the next node (starts the session)", hint: "step"),
    KeyBinding(["S"], .stepInto, "Step into the body of an If/Loop/Scan or function call"),
    KeyBinding(["o"], .stepOut, "Step out of the current subgraph iteration or function"),
    KeyBinding(["c"], .continueRun, "Continue to the next breakpoint or the end", hint: "cont"),
    KeyBinding(["r"], .runToCursor, "Run to the selected node (restarts if it already ran)"),
    KeyBinding(["b"], .toggleBreakpoint, "Toggle a breakpoint on the selected node", hint: "break"),
    KeyBinding(["B"], .breakOnOp, "Break on an op type (or nan, inf, abs>X, diff, node:PATH)"),
    KeyBinding(["!"], .breakMenu, "Breakpoints: NaN, Inf, |x| threshold, reference diff; list, clear"),
    KeyBinding(["R"], .restart, "Restart the session with the same inputs"),
    KeyBinding(["i"], .inputs, "Inputs: files, seeded random, zeros/ones, symbolic dims"),
    KeyBinding(["L"], .loadReference, "Load reference values (test_data_set, .npy folder, --dump-dir)"),
    KeyBinding(["d"], .firstDivergence, "Find the first node whose output differs from the reference"),
    KeyBinding(["e"], .exportTensor, "Write the selected tensor or node output to .npy or .pb"),
    KeyBinding(["x"], .exportNode, "Write the selected node as a backend test case (model.onnx + .pb)"),
    KeyBinding(["Backspace"], .back, "Back to where you were"),
    KeyBinding(["m"], .metadata, "Model metadata, opsets, functions, problems", hint: "meta"),
    KeyBinding(["p"], .provenance, "Provenance and integrity audit (same findings as onnx-explorer audit)"),
    KeyBinding(["T"], .cycleTheme, "Next colour theme"),
    KeyBinding(["Esc"], .escape, "Clear the search highlight / close; interrupt a run"),
    KeyBinding(["?", "F1"], .help, "This help", hint: "help"),
    KeyBinding(["q", "C-c"], .quit, "Quit (C-c interrupts a run instead)", hint: "quit"),
])

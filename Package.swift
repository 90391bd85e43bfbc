// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "onnx-explorer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "onnx-explorer", targets: ["onnx-explorer"]),
        // For tools built outside this package (bench/fuzz): the loader and the reports.
        .library(name: "OnnxExplorerCore", targets: ["OnnxModel", "Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian, each imported by exactly one Swift module.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),  // no pkgConfig: its cflags are flags SwiftPM prohibits
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),  // no pkgConfig: its cflags are flags SwiftPM prohibits
        .target(name: "COnnxProto", dependencies: ["CProtobufC"]),
        // Vectorised float32 math loops, compiled per instruction set and chosen at run time.
        .target(name: "CFastMath"),

        .target(name: "OnnxModel", dependencies: ["COnnxProto", "CProtobufC"]),
        .target(name: "OnnxRuntime", dependencies: ["OnnxModel", "CBLAS", "CFastMath"],
                // Release builds skip the run-time exclusivity checks on the interpreter's class
                // state: they were a sixth of the per-node cost (debug builds keep them).
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "TerminalUI"),
        .target(name: "TerminalUICurses", dependencies: ["TerminalUI", "CNCurses"]),
        .target(name: "Reports", dependencies: ["OnnxModel", "OnnxRuntime"]),
        .target(name: "Explorer", dependencies: ["OnnxModel", "OnnxRuntime", "Reports", "TerminalUI"]),
        .executableTarget(
            name: "onnx-explorer",
            dependencies: [
                "Explorer", "Reports", "OnnxModel", "OnnxRuntime", "TerminalUI", "TerminalUICurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .target(name: "TestSupport", dependencies: ["OnnxModel"], path: "Tests/_TestSupport"),
        .testTarget(name: "OnnxModelTests", dependencies: ["OnnxModel", "TestSupport"], exclude: ["FuzzRegressions"]),
        .testTarget(name: "OnnxRuntimeTests", dependencies: ["OnnxRuntime", "OnnxModel", "TestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "OnnxModel", "TerminalUI", "TestSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "OnnxModel", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "OnnxModel"]),
    ],
    swiftLanguageModes: [.v6]
)

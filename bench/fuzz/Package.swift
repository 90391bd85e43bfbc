// swift-tools-version:6.0
// libFuzzer harness over the loader, `info` and `audit`. Built and run by bench/fuzz.sh with
// -sanitize=fuzzer,address; kept outside the main package so a normal build never needs libFuzzer.
import PackageDescription

let package = Package(
    name: "onnx-explorer-fuzz",
    dependencies: [.package(name: "onnx-explorer", path: "../..")],
    targets: [
        .executableTarget(
            name: "OnnxFuzz",
            dependencies: [.product(name: "OnnxExplorerCore", package: "onnx-explorer")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)

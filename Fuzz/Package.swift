// swift-tools-version:6.1
import Foundation
import PackageDescription

// A libFuzzer target for the wire's frame decoder, in its own package so the main build never sees
// fuzzing flags. Built and run by scripts/fuzz-wire.
let hearthFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "HearthFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: hearthFolder.path)],
    targets: [
        .executableTarget(
            name: "WireFrameFuzzer",
            dependencies: [.product(name: "HearthWire", package: hearthFolder.lastPathComponent)],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        )
    ]
)

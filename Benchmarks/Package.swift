// swift-tools-version:6.1
import Foundation
import PackageDescription

// Benchmarks live in their own package so their dependencies never slow the main build.
// The main package is referenced by path; SwiftPM names a path package after its folder.
let hearthFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "HearthBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: hearthFolder.path)
    ],
    targets: [
        .executableTarget(
            name: "PostgresLoad",
            dependencies: [.product(name: "HearthPostgres", package: hearthFolder.lastPathComponent)],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)

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
        .package(path: hearthFolder.path),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        // Only the benchmark compares against HTTP/2; the main package never builds it.
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "PostgresLoad",
            dependencies: [.product(name: "HearthPostgres", package: hearthFolder.lastPathComponent)],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "RecordEventsLoad",
            dependencies: [
                .product(name: "HearthWire", package: hearthFolder.lastPathComponent),
                .product(name: "HearthProtos", package: hearthFolder.lastPathComponent),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "WireEcho",
            dependencies: [
                .product(name: "HearthWire", package: hearthFolder.lastPathComponent),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

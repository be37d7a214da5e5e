// swift-tools-version:6.1
import PackageDescription

/// One set of settings for every target: Swift 6 mode plus the upcoming features we hold ourselves to.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Hearth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hearth", targets: ["hearth"]),
        .executable(name: "member-service", targets: ["member-service"]),
        .executable(name: "campaign-service", targets: ["campaign-service"]),
        .executable(name: "analytics-worker", targets: ["analytics-worker"]),
        .library(name: "HearthDomain", targets: ["HearthDomain"]),
        .library(name: "HearthPostgres", targets: ["HearthPostgres"]),
        .library(name: "HearthStore", targets: ["HearthStore"]),
        .library(name: "HearthWire", targets: ["HearthWire"]),
        .library(name: "HearthProtos", targets: ["HearthProtos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CLibSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: Libraries
        .target(
            name: "HearthDomain",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthPostgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthProtos",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            exclude: ["GENERATED_FROM"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthWire",
            dependencies: [
                "CLibSSL",
                "HearthProtos",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthStore",
            dependencies: [
                "HearthDomain",
                "HearthPostgres",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // What every service process shares around its RPC services: configuration from the
        // environment, readiness, and serving under ServiceLifecycle (SIGTERM drains).
        .target(
            name: "HearthRuntime",
            dependencies: [
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthStore",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthTestSupport",
            dependencies: [
                "HearthPostgres",
                "HearthStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The channels campaign messages go out through (log, webhook, WeCom and DingTalk robots,
        // SMS gateways), each an adapter with retries and every attempt reported.
        .target(
            name: "HearthChannels",
            dependencies: [
                "CLibSSL",
                "HearthDomain",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client side of bulk imports: reads operators' files in constant memory and streams
        // them to the import RPCs (used by `hearth` and by the import tests).
        .target(
            name: "HearthImportClient",
            dependencies: [
                "HearthDomain",
                "HearthProtos",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Services (one library per process: RPC handlers)
        .target(
            name: "MemberService",
            dependencies: [
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "CampaignService",
            dependencies: [
                "HearthChannels",
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables
        .executableTarget(
            name: "member-service",
            dependencies: [
                "MemberService",
                "HearthRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "campaign-service",
            dependencies: [
                "CampaignService",
                "HearthChannels",
                "HearthDomain",
                "HearthRuntime",
                "HearthStore",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AnalyticsWorker",
            dependencies: [
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "analytics-worker",
            dependencies: [
                "AnalyticsWorker",
                "HearthRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HearthReportPages",
            dependencies: [
                "HearthDomain",
                "HearthProtos",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "hearth",
            dependencies: [
                "HearthDomain",
                "HearthReportPages",
                "HearthImportClient",
                "HearthPostgres",
                "HearthStore",
                "HearthWire",
                "HearthProtos",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "HearthDomainTests",
            dependencies: ["HearthDomain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthChannelsTests",
            dependencies: [
                "HearthChannels",
                "HearthDomain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthImportClientTests",
            dependencies: [
                "HearthImportClient",
                "HearthProtos",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthPostgresTests",
            dependencies: ["HearthPostgres", "HearthTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthWireTests",
            dependencies: [
                "HearthWire",
                "HearthProtos",
                "HearthRuntime",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CampaignServiceTests",
            dependencies: [
                "CampaignService",
                "MemberService",
                "HearthChannels",
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthTestSupport",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MemberServiceTests",
            dependencies: [
                "MemberService",
                "HearthImportClient",
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthTestSupport",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthReportPagesTests",
            dependencies: [
                "HearthReportPages",
                "HearthProtos",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthRuntimeTests",
            dependencies: [
                "HearthRuntime",
                "HearthPostgres",
                "HearthTestSupport",
                "HearthWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnalyticsWorkerTests",
            dependencies: [
                "AnalyticsWorker",
                "HearthDomain",
                "HearthPostgres",
                "HearthProtos",
                "HearthRuntime",
                "HearthStore",
                "HearthTestSupport",
                "HearthWire",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "HearthPostgres",
                "HearthTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HearthStoreTests",
            dependencies: ["HearthStore", "HearthDomain", "HearthPostgres", "HearthTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)

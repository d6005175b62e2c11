// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: Frontend → IR ← Backends, Runtime → IR.
// The CLI (OpenrunCLI, a library so tests can call the commands) ties them.
let package = Package(
    name: "openrun",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "openrun", targets: ["openrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        // Runtime (openrun run): proxy, signals, metrics, engine CLI.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // TLS to https upstreams (proxy routes to https:// URLs, containers with scheme="https").
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libgit2 and libarchive, loaded on first use (dlopen) instead of linked: the serving process
        // never maps them or their dependencies (dev/gen-lazy-libraries writes the forwarders).
        .target(name: "CLazyLibrary", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "CGit2", dependencies: ["CLazyLibrary"]),
        .target(name: "CArchive", dependencies: ["CLazyLibrary"]),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // epoll, eventfd and accept4 for the proxy's own event loop (Linux).
        .target(name: "CEpoll"),
        .target(
            name: "IR",
            dependencies: [
                // SHA-256 (BoringSSL's, with SHA-NI where the CPU has it)
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Go's text/template (the cl_secret file renderer) and strconv quoting:
        // used by the frontend to check templates and by the runtime to render them.
        .target(
            name: "TextTemplate",
            dependencies: ["IR"]
        ),
        .target(
            name: "Frontend",
            dependencies: [
                "IR",
                "TextTemplate",
                "CGit2",
                "CArchive",
                .product(name: "BigInt", package: "BigInt"),
            ]
        ),
        .target(
            name: "Backends",
            dependencies: ["IR", "CYAML", "TextTemplate"]
        ),
        .target(
            name: "Runtime",
            dependencies: [
                "IR",
                "TextTemplate",
                .target(name: "CEpoll", condition: .when(platforms: [.linux])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            // The proxy's hot path: no dynamic exclusivity checks in release builds (measured in bench/README.md).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "OpenrunCLI",
            dependencies: [
                "IR", "Frontend", "Backends", "Runtime", "TextTemplate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "openrun",
            dependencies: ["OpenrunCLI"],
            // Release links with lld and packed relative relocations (DT_RELR, glibc >= 2.36): the loader reads
            // a few KiB instead of 2.7 MiB of relocations at every start; openrun run's idle RSS 36,696 -> 30,504 KiB.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                                          .when(platforms: [.linux], configuration: .release))]
        ),
        // Helpers shared by the test targets (golden files, the repository root).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "IRTests", dependencies: ["IR"]),
        // ArchiveBuilder writes test archives with libarchive's writer, which openrun itself never calls.
        .testTarget(name: "FrontendTests", dependencies: ["Frontend", "IR", "TextTemplate", "TestSupport"],
                    linkerSettings: [.linkedLibrary("archive")]),
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "IR", "TextTemplate", "TestSupport", "EngineTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["OpenrunCLI", "IR"]),
        .testTarget(
            name: "RuntimeTests",
            dependencies: [
                "Runtime", "IR", "EngineTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // EmbeddedChannel: NIOHTTP1's decoders as the reference of HTTP1DifferentialTests.
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        // Drives dev/ (host podman, the systemd + Podman 5 sandbox) for tests
        // that use a real engine; see docs/testing.md.
        .target(name: "EngineTestSupport", path: "Tests/EngineTestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["EngineTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer target for the Starlark interpreter, only when fuzz/run-starlark
// builds it (OPENRUN_FUZZ=1 with -sanitize=fuzzer,address); never part of a
// normal `swift build`.
if Context.environment["OPENRUN_FUZZ"] == "1" {
    package.products.append(.executable(name: "starlark-fuzz", targets: ["StarlarkFuzz"]))
    package.targets.append(.executableTarget(name: "StarlarkFuzz", dependencies: ["Frontend", "IR"], path: "fuzz/StarlarkFuzz"))
    // The proxy's HTTP/1 reader (fuzz/run-http1): its files are linked into fuzz/HTTP1Fuzz, so only
    // NIOCore and NIOHTTP1 are built with the sanitizers, not all of Runtime's dependencies.
    package.products.append(.executable(name: "http1-fuzz", targets: ["HTTP1Fuzz"]))
    package.targets.append(.executableTarget(
        name: "HTTP1Fuzz",
        dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")],
        path: "fuzz/HTTP1Fuzz",
        swiftSettings: [.define("HTTP1_FUZZ")]
    ))
}

// swift-tools-version:6.0
import PackageDescription

/// This package's folder, for linker flags that need a path.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

// Layers, bottom up:
//   CPlanBuildSupport – a few lines of C for what Swift cannot call directly (spawn into a new
//                       process group, wait on a pidfd with a deadline).
//   PlanBuildCore     – every piece of logic; Swift types only, no C types in its API.
//   PlanBuildServer   – the build server (one per user: queue, journal, socket) and its client;
//                       CPlanBuildServerSupport holds its few lines of C (peer credentials, setsid).
//   PlanBuildABI      – @_cdecl exports and JSON marshalling; built as libplanbuild.so.
//   PlanBuildSupervisor – a tiny C program between a runner and each build: reaps it, ends its
//                       whole process tree, dies with the runner (product `planbuild-supervisor`).
//   PlanBuildCLI      – the `planbuild` command line (product `planbuild-cli`, launched by bin/planbuild).
//   PlanBuildDigest   – SHA-256 from swift-crypto as a plugin (libplanbuild-digest.so) that the core
//                       loads beside itself only when the build cache needs a digest: swift-crypto
//                       links FoundationEssentials, which a shim start-up must not pay for.
//   PlanBuildRemote   – HTTP GET/HEAD/PUT for the remote cache through libcurl, in C, as a plugin
//                       (libplanbuild-remote.so), loaded only when a remote cache is configured:
//                       libcurl and its TLS library must not cost every shim start either.
let package = Package(
    name: "PlanBuild",
    products: [
        .library(name: "planbuild", type: .dynamic, targets: ["PlanBuildABI"]),
        .executable(name: "planbuild-cli", targets: ["PlanBuildCLI"]),
        .library(name: "planbuild-digest", type: .dynamic, targets: ["PlanBuildDigest"]),
        .library(name: "planbuild-remote", type: .dynamic, targets: ["PlanBuildRemote"]),
        // Runs each build; installed beside libplanbuild.so and the CLI (docs/processes.md).
        .executable(name: "planbuild-supervisor", targets: ["PlanBuildSupervisor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // DWARF 4 for the C files: valgrind 3.19 (Debian 12, the C ABI test) cannot read the DWARF 5
        // string offsets of more than one C compile unit and gives up on the whole library.
        .target(name: "CPlanBuildSupport", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // Started once per build, so it must start fast. SwiftPM links the Swift runtime into every
        // executable, even a C one; loading libswiftCore.so and libstdc++ costs ~7 ms per start,
        // a static executable starts in under 1 ms (benchmarks/orchestrate).
        .executableTarget(name: "PlanBuildSupervisor",
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        .target(name: "PlanBuildCore", dependencies: ["CPlanBuildSupport"]),
        // The build server (one per user per machine) and its client: protocol, queue, journal,
        // socket, lifecycle. Swift concurrency and poll(2), no SwiftNIO: docs/server.md says why.
        // The client side is linked into libplanbuild.so, so nothing here may use Foundation.
        .target(name: "CPlanBuildServerSupport"),
        .target(name: "PlanBuildServer", dependencies: ["PlanBuildCore", "CPlanBuildSupport", "CPlanBuildServerSupport"]),
        .target(
            name: "PlanBuildABI",
            dependencies: ["PlanBuildCore", "PlanBuildServer"],
            exclude: ["exports.map"],
            // Only the pb_* API is exported (issue 7): the version script hides everything else.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "--version-script=\(packageDirectory)/Sources/PlanBuildABI/exports.map"])]
        ),
        // The Swift runtime linked in: resolving the symbols of libswiftCore and
        // FoundationEssentials (which ArgumentParser uses) cost ~4 ms of every command's start, a
        // third of `planbuild graph` (benchmarks/incremental runs the CLI). The static libraries'
        // symbols are not exported (--exclude-libs), so a plugin loaded with dlopen uses its own
        // Swift runtime and the two never meet: the plugins' interface is C.
        // FoundationEssentials' archive needs its two helper libraries named.
        .executableTarget(
            name: "PlanBuildCLI",
            dependencies: [
                "PlanBuildCore",
                "PlanBuildServer",
                // The server runs jobs with the library's own handlers (ServedJobs): a result
                // through the server is made by the same code as in process.
                "PlanBuildABI",
                // The digest code linked in (ContentHasher.useBuiltIn): no plugin to load.
                "PlanBuildDigest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [
                .unsafeFlags(["-static-stdlib"]),
                .linkedLibrary("_FoundationCollections"),
                .linkedLibrary("_FoundationCShims"),
            ]
        ),
        .target(name: "PlanBuildDigest", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Needs libcurl's headers (Debian's libcurl4-openssl-dev, installed by scripts/setup).
        .target(name: "PlanBuildRemote", linkerSettings: [.linkedLibrary("curl")]),
        .testTarget(name: "PlanBuildCoreTests", dependencies: ["PlanBuildCore"], exclude: ["Resources"]),
        .testTarget(name: "PlanBuildServerTests", dependencies: ["PlanBuildServer", "PlanBuildCore"]),
    ]
)

// swift-tools-version:6.0
import PackageDescription

/// This package's folder, for linker flags that need a path.
let packageDirectory = String(#filePath.dropLast("/Package.swift".count))

// The core is a stack of layers, each a target that may import only the layers below it, so the
// compiler refuses a dependency that points up (README.md, "Layout"). Bottom up:
//   CPlanBuildSupport      a few lines of C for what Swift cannot call directly (spawn into a new
//                          process group, wait on a pidfd with a deadline, find a file beside this
//                          binary) and SHA-256 from Nettle's libnettle, opened on first use.
//   PlanBuildSupport       platform, system calls, files, JSON, text escaping, the error type.
//   PlanBuildModel         what the others talk about: build systems and command words, issues and
//                          results, the project's layout, architecture and module graph, a plan of builds.
//   PlanBuildParsing       the log parsers.
//   PlanBuildConfiguration run-configuration.json: timeouts and their learning, accepted warnings.
//   PlanBuildExecution     one build: wrapper, timeout, process tree, log, diagnostics.
//   PlanBuildCache         the build cache, local and remote, and the single run through it.
//   PlanBuildRemoteExecution builds on a Remote Execution API cluster: the protocol's messages,
//                          gRPC over the remote plugin, the client that turns a module build into
//                          an action, and the worker that runs actions for the cluster.
//   PlanBuildOrchestration many builds in dependency order, their progress events, reports and exports.
//   PlanBuildPresentation  TOON/JSON/JUnit/SARIF/trace renderings and the live display's state.
//   PlanBuildScripts       every script's command line (both generations), answered on top of
//                          all the layers below: the builds through the single run, the queries
//                          that run no build (architecture, Gradle projects, OpenRewrite markers,
//                          warning checks), run_config, coverage; orchestrated builds read their
//                          `run` command lines through it (ScriptRuns).
// On top:
//   PlanBuildServer   – the build server (one per user: queue, journal, socket) and its client;
//                       CPlanBuildServerSupport holds its few lines of C (peer credentials, setsid).
//   PlanBuildABI      – @_cdecl exports and JSON marshalling; built as libplanbuild.so.
//   PlanBuildCLI      – the `planbuild` command line (product `planbuild-cli`, launched by bin/planbuild).
// Beside them:
//   PlanBuildSupervisor – a tiny C program between a runner and each build: reaps it, ends its
//                       whole process tree, dies with the runner (product `planbuild-supervisor`).
//   PlanBuildRemote   – HTTP GET/HEAD/PUT for the remote cache and gRPC calls for remote execution
//                       through libcurl, in C, as a plugin (libplanbuild-remote.so), loaded only
//                       when a remote cache or remote execution is configured: libcurl and its TLS
//                       library must not cost every shim start either.

/// The core's layers, bottom up. scripts/fuzz compiles them in this order, read from this line.
let coreLayers = ["PlanBuildSupport", "PlanBuildModel", "PlanBuildParsing", "PlanBuildConfiguration", "PlanBuildExecution", "PlanBuildCache", "PlanBuildRemoteExecution", "PlanBuildOrchestration", "PlanBuildPresentation", "PlanBuildScripts"]

/// The layers the build server and its client import: it runs builds through a gate
/// (execution), relays progress events and renders results and status (orchestration,
/// presentation), and decodes cache-miss reasons in events (cache).
let serverLayers = ["PlanBuildSupport", "PlanBuildModel", "PlanBuildExecution", "PlanBuildCache", "PlanBuildOrchestration", "PlanBuildPresentation"]

/// Each layer with the layers it imports: parsing and configuration are side by side, and so the
/// compiler keeps them apart.
let coreTargets: [Target] = [
    .target(name: "PlanBuildSupport", dependencies: ["CPlanBuildSupport"]),
    .target(name: "PlanBuildModel", dependencies: ["PlanBuildSupport"]),
    .target(name: "PlanBuildParsing", dependencies: ["PlanBuildSupport", "PlanBuildModel"]),
    .target(name: "PlanBuildConfiguration", dependencies: ["PlanBuildSupport", "PlanBuildModel"]),
    .target(name: "PlanBuildExecution", dependencies: ["CPlanBuildSupport", "PlanBuildSupport", "PlanBuildModel", "PlanBuildParsing",
                                                       "PlanBuildConfiguration"]),
    .target(name: "PlanBuildCache", dependencies: ["CPlanBuildSupport", "PlanBuildSupport", "PlanBuildModel", "PlanBuildConfiguration",
                                                   "PlanBuildExecution"]),
    .target(name: "PlanBuildRemoteExecution", dependencies: ["CPlanBuildSupport", "PlanBuildSupport", "PlanBuildModel", "PlanBuildConfiguration",
                                                             "PlanBuildExecution", "PlanBuildCache"]),
    .target(name: "PlanBuildOrchestration", dependencies: ["PlanBuildSupport", "PlanBuildModel", "PlanBuildConfiguration",
                                                           "PlanBuildExecution", "PlanBuildCache", "PlanBuildRemoteExecution"]),
    .target(name: "PlanBuildPresentation", dependencies: ["PlanBuildSupport", "PlanBuildModel", "PlanBuildExecution", "PlanBuildCache",
                                                          "PlanBuildOrchestration"]),
    .target(name: "PlanBuildScripts", dependencies: ["PlanBuildSupport", "PlanBuildModel", "PlanBuildParsing", "PlanBuildConfiguration",
                                                     "PlanBuildExecution", "PlanBuildCache", "PlanBuildOrchestration",
                                                     "PlanBuildPresentation"]),
]

let package = Package(
    name: "PlanBuild",
    products: [
        .library(name: "planbuild", type: .dynamic, targets: ["PlanBuildABI"]),
        .executable(name: "planbuild-cli", targets: ["PlanBuildCLI"]),
        .library(name: "planbuild-remote", type: .dynamic, targets: ["PlanBuildRemote"]),
        // Runs each build; installed beside libplanbuild.so and the CLI (docs/processes.md).
        .executable(name: "planbuild-supervisor", targets: ["PlanBuildSupervisor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        // The build server (one per user per machine) and its client: protocol, queue, journal,
        // socket, lifecycle. Swift concurrency and poll(2), no SwiftNIO: docs/server.md says why.
        // The client side is linked into libplanbuild.so, so nothing here may use Foundation.
        .target(name: "CPlanBuildServerSupport"),
        .target(name: "PlanBuildServer", dependencies: serverLayers.map { .target(name: $0) } + ["CPlanBuildSupport", "CPlanBuildServerSupport"]),
        .target(
            name: "PlanBuildABI",
            dependencies: coreLayers.map { .target(name: $0) } + ["PlanBuildServer"],
            exclude: ["exports.map"],
            // Only the pb_* API is exported: the version script hides everything else.
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
            dependencies: coreLayers.map { .target(name: $0) } + [
                "PlanBuildServer",
                // The server runs jobs with the library's own handlers (ServedJobs): a result
                // through the server is made by the same code as in process.
                "PlanBuildABI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: [
                .unsafeFlags(["-static-stdlib"]),
                .linkedLibrary("_FoundationCollections"),
                .linkedLibrary("_FoundationCShims"),
            ]
        ),
        // Needs libcurl's headers (Debian's libcurl4-openssl-dev, installed by scripts/setup).
        .target(name: "PlanBuildRemote", linkerSettings: [.linkedLibrary("curl")]),
        // The tests reach every layer (not the CLI and its argument parser: scripts/test builds them alone).
        .testTarget(name: "PlanBuildCoreTests", dependencies: coreLayers.map { .target(name: $0) }, exclude: ["Resources"]),
        // The remote execution layer's protocol, transport and client; its BuildGrid tests start the server themselves.
        .testTarget(name: "PlanBuildRemoteExecutionTests",
                    dependencies: ["PlanBuildSupport", "PlanBuildExecution", "PlanBuildCache", "PlanBuildRemoteExecution"],
                    exclude: ["Resources"]),
        .testTarget(name: "PlanBuildServerTests", dependencies: ["PlanBuildServer"] + serverLayers.map { .target(name: $0) }),
    ] + coreTargets
)

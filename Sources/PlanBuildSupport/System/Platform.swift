// The one place that chooses the C library. Swift needs a different module name per platform
// (Glibc on Debian, Musl on Alpine); re-exporting it here keeps the `#if` out of every other
// file of the core, and the ABI and the CLI see it through `import PlanBuildCore`.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#else
#error("PlanBuild runs on Linux with glibc or musl")
#endif

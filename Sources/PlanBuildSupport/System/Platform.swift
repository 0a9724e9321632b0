// The one place that chooses the C library. Swift needs a different module name per platform
// (Glibc on Debian, Musl on Alpine); re-exporting it here keeps the `#if` out of every other
// file: every layer above, the ABI and the CLI see it through `import PlanBuildSupport`. This is
// the core's only re-export: each file imports the layers it uses by name.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#else
#error("PlanBuild runs on Linux with glibc or musl")
#endif

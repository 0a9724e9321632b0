// PlanBuild's release version: the one place it is written. The library (pb_version), the CLI
// (`planbuild --version`), the pkg-config file (`planbuild install-dev`) and the wheel
// (scripts/package reads this line) all take it from here.
#ifndef PLANBUILD_VERSION_H
#define PLANBUILD_VERSION_H

#define PLANBUILD_VERSION "0.1.0"

/// PLANBUILD_VERSION as compiled into the image that calls this: a static string, never freed.
/// A function, not the macro alone, so that pb_version can hand callers a pointer that lives as
/// long as the library (Swift imports the macro as a String, which has no such pointer). Inline,
/// so that no other build of these sources (scripts/fuzz) needs one more C file.
static inline const char *_Nonnull pbs_version(void) { return PLANBUILD_VERSION; }

#endif

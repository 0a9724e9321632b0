// PlanBuild's release version: the one place it is written. The library (pb_version), the CLI
// (`planbuild --version`), the pkg-config file (`planbuild install-dev`) and the wheel
// (scripts/package reads this line) all take it from here.
#ifndef PLANBUILD_VERSION_H
#define PLANBUILD_VERSION_H

#define PLANBUILD_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/// PLANBUILD_VERSION as compiled into this image: a static string, never freed.
const char *_Nonnull pbs_version(void);

#ifdef __cplusplus
}
#endif

#endif

#include "planbuild_version.h"

// A function rather than the macro alone: pb_version hands callers a pointer that lives as long
// as the library, with nothing to allocate or free.
const char *pbs_version(void) { return PLANBUILD_VERSION; }

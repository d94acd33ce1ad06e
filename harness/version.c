/* The version string, from the build configuration. */
#include "build_config.h"

const char *bb_version_string(void);
const char *bb_version_string(void) { return BB_VERSION; }

/* The library's own version (rsdk/version.h). */
#include "rsdk/version.h"

unsigned rsdk_version(void) { return RSDK_VERSION_NUMBER; }

const char *rsdk_version_string(void) { return RSDK_VERSION_STRING; }

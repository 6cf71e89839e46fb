/* rsdk/version.h — the version of rsdk a program is built against, and the
 * version of the library it runs with (docs/packaging.md). */
#ifndef RSDK_VERSION_H
#define RSDK_VERSION_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The release these headers belong to. The shared libraries carry the major
 * number in their SONAME (librsdk.so.0): within one major, a newer library
 * runs programs built against an older one (docs/abi.md). */
#define RSDK_VERSION_MAJOR 0
#define RSDK_VERSION_MINOR 1
#define RSDK_VERSION_PATCH 0
#define RSDK_VERSION_STRING "0.1.0"

/* One number that grows with every release: 0x00MMmmpp. */
#define RSDK_VERSION_NUMBER \
    ((RSDK_VERSION_MAJOR << 16) | (RSDK_VERSION_MINOR << 8) | RSDK_VERSION_PATCH)

/* The version of the library linked at run time, as RSDK_VERSION_NUMBER
 * encodes it; compare it with RSDK_VERSION_NUMBER to detect a library older
 * than the headers. */
RSDK_API unsigned rsdk_version(void);

/* The same as a string, "0.1.0". Static storage. */
RSDK_API const char *rsdk_version_string(void);

#ifdef __cplusplus
}
#endif
#endif

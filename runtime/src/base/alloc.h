/* Internal allocation entry points; every rsdk allocation goes through them. */
#ifndef RSDK_SRC_ALLOC_H
#define RSDK_SRC_ALLOC_H

#include <stddef.h>

#include "rsdk/common.h"

/* Exported (RSDK_API) only so that rsdk's own modules built as separate
 * shared libraries (modules/auth_entra) allocate through the same hooks;
 * not part of the public API, no header under include/ declares them. */

RSDK_API void *rsdk__malloc(size_t n);
RSDK_API void *rsdk__calloc(size_t count, size_t n);
RSDK_API void *rsdk__realloc(void *p, size_t n);
RSDK_API void rsdk__free(void *p);
/* Copies a C string through the hooks; NULL in gives NULL out. */
RSDK_API char *rsdk__strdup(const char *s);
/* Overwrites `n` bytes in a way the compiler may not drop (for secrets). */
RSDK_API void rsdk__wipe(void *p, size_t n);

#endif

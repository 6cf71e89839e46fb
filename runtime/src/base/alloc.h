/* Internal allocation entry points; every rsdk allocation goes through them. */
#ifndef RSDK_SRC_ALLOC_H
#define RSDK_SRC_ALLOC_H

#include <stddef.h>

void *rsdk__malloc(size_t n);
void *rsdk__calloc(size_t count, size_t n);
void *rsdk__realloc(void *p, size_t n);
void rsdk__free(void *p);
/* Copies a C string through the hooks; NULL in gives NULL out. */
char *rsdk__strdup(const char *s);
/* Overwrites `n` bytes in a way the compiler may not drop (for secrets). */
void rsdk__wipe(void *p, size_t n);

#endif

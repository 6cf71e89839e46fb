/* Allocator hooks: the one documented piece of process-wide mutable state. */
#include "rsdk/alloc.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static rsdk_allocator hooks = {malloc, calloc, realloc, free};

rsdk_allocator rsdk_allocator_set(const rsdk_allocator *a) {
    rsdk_allocator old = hooks;
    hooks.malloc_fn = a && a->malloc_fn ? a->malloc_fn : malloc;
    hooks.calloc_fn = a && a->calloc_fn ? a->calloc_fn : calloc;
    hooks.realloc_fn = a && a->realloc_fn ? a->realloc_fn : realloc;
    hooks.free_fn = a && a->free_fn ? a->free_fn : free;
    return old;
}

void *rsdk__malloc(size_t n) { return hooks.malloc_fn(n ? n : 1); }

void *rsdk__calloc(size_t count, size_t n) { return hooks.calloc_fn(count ? count : 1, n ? n : 1); }

void *rsdk__realloc(void *p, size_t n) { return hooks.realloc_fn(p, n ? n : 1); }

void rsdk__free(void *p) {
    if (p) hooks.free_fn(p);
}

char *rsdk__strdup(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = rsdk__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void rsdk__wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (n--) *v++ = 0;
}

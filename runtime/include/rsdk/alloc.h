/* rsdk/alloc.h — replaceable allocator hooks.
 *
 * The only process-wide mutable state in rsdk. Set the hooks once, before any
 * other rsdk call and before starting threads; every allocation rsdk makes goes
 * through them. */
#ifndef RSDK_ALLOC_H
#define RSDK_ALLOC_H

#include "rsdk/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rsdk_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t count, size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
} rsdk_allocator;

/* Installs `a` (copied) and returns the hooks that were active before. A NULL
 * `a` or any NULL member restores the libc default for that hook. Not
 * thread-safe: call before other rsdk functions run. */
RSDK_API rsdk_allocator rsdk_allocator_set(const rsdk_allocator *a);

#ifdef __cplusplus
}
#endif
#endif

/* Spare reply arenas. A pipeline frees its batch of replies just before it
 * reads the next batch, which is mostly the same shapes again: a hundred
 * free() then a hundred malloc() of the same sizes, more than glibc's
 * per-size cache holds, so each takes its slow path. Handing the blocks to
 * the reader instead lets the next replies reuse them.
 *
 * Only an owner that never handed its replies out recycles them (the
 * pipeline, on the thread that uses the reader), so the cache needs no
 * lock; replies built in a reused block are ordinary arenas that
 * rsdk_reply_free() releases from any thread, before or after the reader
 * is gone. The cache is bounded in count and block size, and freed with
 * the reader. */
#include "alloc.h"
#include "reader_spare.h"
#include "reader_state.h"

rsdk_reply *rsdk__reader_arena(rsdk_reader *r, size_t nodes, size_t strbytes, char **strings) {
    if (r->nspare) {
        size_t total;
        rsdk__arena_hdr *h = r->spare[r->nspare - 1];
        /* A larger block is fine: its size stays in the header, so the
         * block is recycled or freed whole later. */
        if (rsdk__reply_arena_size(nodes, strbytes, &total) && total <= h->size) {
            r->nspare--;
            h->magic = RSDK__ARENA_MAGIC;
            h->types = RSDK__TYPES_KNOWN; /* nothing under the root until the build says */
            char *mem = (char *)(void *)h;
            *strings = mem + total - strbytes;
            return (rsdk_reply *)(void *)(mem + RSDK__ARENA_HDR_SIZE);
        }
    }
    rsdk_reply *root = rsdk__reply_arena_new(nodes, strbytes, strings);
    if (root) rsdk__arena_of(root)->types = RSDK__TYPES_KNOWN; /* as above */
    return root;
}

void rsdk__reader_recycle(rsdk_reader *r, rsdk_reply *reply) {
    if (!reply) return;
    rsdk__arena_hdr *h = (rsdk__arena_hdr *)(void *)((char *)reply - RSDK__ARENA_HDR_SIZE);
    if (!r || r->nspare == r->spare_cap || h->magic != RSDK__ARENA_MAGIC || h->size > RSDK__SPARE_BYTES) {
        /* The first recycle makes the array (no spare is parked yet). */
        if (r && r->spare_cap == 0 && h->magic == RSDK__ARENA_MAGIC && h->size <= RSDK__SPARE_BYTES &&
            (r->spare = rsdk__malloc(RSDK__SPARES * sizeof *r->spare)) != NULL) {
            r->spare_cap = RSDK__SPARES;
        } else {
            rsdk_reply_free(reply); /* also refuses an inner node, as it does for everyone */
            return;
        }
    }
    h->magic = 0; /* parked: a stray rsdk_reply_free() of it is refused */
    r->spare[r->nspare++] = h;
}

void rsdk__reader_spares_free(rsdk_reader *r) {
    while (r->nspare) rsdk__free(r->spare[--r->nspare]);
    rsdk__free(r->spare);
    r->spare = NULL;
    r->spare_cap = 0;
}

/* async_ring.h — the async client's command records and their encoded
 * bytes (async_ring.c): no I/O, no callbacks. */
#ifndef RSDK_SRC_ASYNC_RING_H
#define RSDK_SRC_ASYNC_RING_H

#include "async_state.h"

/* The record `i` places after the head (i < a->count). */
static inline rsdk__acmd *rsdk__aring_at(rsdk_async *a, size_t i) {
    return &a->ring[(a->head + i) & (a->cap - 1)];
}

/* The record of `id`, or NULL when it left the ring. */
rsdk__acmd *rsdk__aring_find(rsdk_async *a, uint64_t id);

/* Appends a record for the out.len - start bytes already encoded at the
 * end of a->out (from `start`), expecting `ncmds` replies. RSDK_OK (*id
 * set) or RSDK_ERR_NOMEM, with those bytes dropped again. */
rsdk_status rsdk__aring_push(rsdk_async *a, size_t start, uint32_t ncmds,
                             const rsdk_async_call *call, long long deadline, uint64_t *id);

/* Marks the record dead (its completion will not run from the ring); an
 * unwritten one (index >= nsent) expects no reply any more and its bytes
 * go at the next compaction. */
void rsdk__aring_kill(rsdk_async *a, size_t index);

/* Drops the head record and its bytes. */
void rsdk__aring_pop(rsdk_async *a);

/* Pops dead head records that expect no reply. */
void rsdk__aring_pop_zombies(rsdk_async *a);

/* Removes the bytes of dead unwritten records from a->out. */
void rsdk__aring_compact(rsdk_async *a);

/* Counts `n` more bytes of a->out as written. */
void rsdk__aring_written(rsdk_async *a, size_t n);

/* After a connection was lost: every written record (index < nsent)
 * expects no reply on the new connection; a live one is marked `fail`
 * unless `resend(rec)` says to send it again. The bytes of what is to be
 * sent (resent, then never written) are laid out afresh in a->out. */
void rsdk__aring_rewind(rsdk_async *a, bool (*resend)(const rsdk_async *a, const rsdk__acmd *r));

/* The earliest deadline of a live record (0: none), moving the cursor
 * past records that need no timer. */
long long rsdk__aring_next_deadline(rsdk_async *a);

/* Frees the ring and the bytes. */
void rsdk__aring_free(rsdk_async *a);

#endif

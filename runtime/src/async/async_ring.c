/* The async client's command records: a ring in issue order (ids are
 * consecutive, so an id finds its record at once) and one byte buffer
 * with the encoding of every record that may still be written, in the
 * same order. Written bytes stay until their record is answered, so a
 * read-only command can be sent again after a reconnect. */
#include "async_ring.h"

#include <string.h>

#include "alloc.h"

/* A front of consumed bytes larger than this (and than what follows) is
 * moved out of the buffer. */
#define FRONT_KEEP ((size_t)64 * 1024)

rsdk__acmd *rsdk__aring_find(rsdk_async *a, uint64_t id) {
    if (id < a->head_id || id - a->head_id >= a->count) return NULL;
    return rsdk__aring_at(a, (size_t)(id - a->head_id));
}

static bool grow(rsdk_async *a) {
    size_t cap = a->cap ? a->cap * 2 : 64;
    rsdk__acmd *ring = rsdk__malloc(cap * sizeof *ring);
    if (!ring) return false;
    for (size_t i = 0; i < a->count; i++) ring[i] = *rsdk__aring_at(a, i);
    rsdk__free(a->ring);
    a->ring = ring;
    a->cap = cap;
    a->head = 0;
    return true;
}

rsdk_status rsdk__aring_push(rsdk_async *a, size_t start, uint32_t ncmds,
                             const rsdk_async_call *call, long long deadline, uint64_t *id) {
    if (a->count == a->cap && !grow(a)) {
        a->out.len = start;
        return RSDK_ERR_NOMEM;
    }
    rsdk__acmd *r = &a->ring[(a->head + a->count) & (a->cap - 1)];
    r->call = *call;
    r->deadline = deadline;
    r->len = a->out.len - start;
    r->replies = r->ncmds = ncmds;
    r->dead = r->fail = false;
    *id = a->head_id + a->count;
    a->count++;
    a->live++;
    return RSDK_OK;
}

void rsdk__aring_kill(rsdk_async *a, size_t index) {
    rsdk__acmd *r = rsdk__aring_at(a, index);
    if (!r->dead && a->live) a->live--;
    r->dead = true;
    r->fail = false;
    if (index >= a->nsent) {
        r->replies = 0;
        if (r->len) a->need_compact = true;
    }
}

/* Moves the consumed front out once it is large, and starts over at an
 * empty buffer for free. */
static void trim_front(rsdk_async *a) {
    if (a->ostart == a->out.len) {
        a->out.len = a->ostart = a->osent = a->wnext = 0;
        return;
    }
    if (a->ostart < FRONT_KEEP || a->ostart < a->out.len - a->ostart) return;
    size_t k = a->ostart;
    memmove(a->out.data, a->out.data + k, a->out.len - k);
    a->out.len -= k;
    a->ostart = 0;
    a->osent -= k;
    a->wnext -= k;
}

void rsdk__aring_pop(rsdk_async *a) {
    rsdk__acmd *r = rsdk__aring_at(a, 0);
    if (!r->dead && a->live) a->live--;
    a->ostart += r->len;
    if (a->nsent > 0) {
        a->nsent--;
    } else { /* never written: its bytes are skipped, not sent */
        a->wnext = a->osent = a->ostart;
    }
    a->head = (a->head + 1) & (a->cap - 1);
    a->count--;
    a->head_id++;
    trim_front(a);
}

void rsdk__aring_pop_zombies(rsdk_async *a) {
    while (a->count > 0) {
        const rsdk__acmd *r = rsdk__aring_at(a, 0);
        if (!r->dead || r->replies > 0) break;
        rsdk__aring_pop(a);
    }
}

void rsdk__aring_compact(rsdk_async *a) {
    if (!a->need_compact) return;
    a->need_compact = false;
    size_t src = a->wnext, dst = a->wnext;
    for (size_t i = a->nsent; i < a->count; i++) {
        rsdk__acmd *r = rsdk__aring_at(a, i);
        if (r->dead) {
            src += r->len;
            r->len = 0;
            continue;
        }
        if (dst != src) memmove(a->out.data + dst, a->out.data + src, r->len);
        src += r->len;
        dst += r->len;
    }
    a->out.len = dst;
    trim_front(a);
}

void rsdk__aring_written(rsdk_async *a, size_t n) {
    a->osent += n;
    while (a->nsent < a->count && a->wnext < a->osent) {
        a->wnext += rsdk__aring_at(a, a->nsent)->len;
        a->nsent++;
    }
}

void rsdk__aring_rewind(rsdk_async *a, bool (*resend)(const rsdk_async *a, const rsdk__acmd *r)) {
    size_t src = a->ostart, dst = 0;
    for (size_t i = 0; i < a->count; i++) {
        rsdk__acmd *r = rsdk__aring_at(a, i);
        size_t len = r->len;
        bool keep = !r->dead && !r->fail;
        if (keep && i < a->nsent) {
            if (resend(a, r)) {
                r->replies = r->ncmds;
            } else {
                r->fail = true;
                keep = false;
            }
        }
        if (!keep) {
            r->replies = 0;
            r->len = 0;
        } else if (len) {
            memmove(a->out.data + dst, a->out.data + src, len);
        }
        src += len;
        if (keep) dst += len;
    }
    a->out.len = dst;
    a->ostart = a->osent = a->wnext = 0;
    a->nsent = 0;
    a->need_compact = false;
}

long long rsdk__aring_next_deadline(rsdk_async *a) {
    if (a->dl_next < a->head_id) a->dl_next = a->head_id;
    while (a->dl_next - a->head_id < a->count) {
        const rsdk__acmd *r = rsdk__aring_at(a, (size_t)(a->dl_next - a->head_id));
        if (!r->dead && r->deadline > 0) return r->deadline;
        a->dl_next++;
    }
    return 0;
}

void rsdk__aring_free(rsdk_async *a) {
    rsdk__free(a->ring);
    a->ring = NULL;
    a->cap = a->count = a->head = a->live = a->nsent = 0;
    if (a->out.data) rsdk__wipe(a->out.data, a->out.cap); /* may hold an AUTH */
    rsdk_buf_deinit(&a->out);
    a->ostart = a->osent = a->wnext = 0;
}

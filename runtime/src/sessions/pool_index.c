/* The pool's index from a client's address to its slot: open addressing
 * with linear probing, at most half full, so a release finds its slot in
 * O(1) without reading the client (which a second release may pass after
 * the first one freed it). Under the pool's lock. */
#include <stdint.h>

#include "alloc.h"
#include "pool_index.h"

static size_t home(const rsdk_pool *p, const void *c) {
    uint64_t h = (uint64_t)(uintptr_t)c * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (p->index_cap - 1);
}

/* Puts `sl` into `tab` (capacity `cap`, a power of two). */
static void place(rsdk__pool_slot **tab, size_t cap, rsdk__pool_slot *sl) {
    uint64_t h = (uint64_t)(uintptr_t)sl->c * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = (size_t)(h >> 32) & (cap - 1);
    while (tab[i]) i = (i + 1) & (cap - 1);
    tab[i] = sl;
}

bool rsdk__pool_index_add(rsdk_pool *p, rsdk__pool_slot *sl) {
    if ((p->index_used + 1) * 2 > p->index_cap) {
        size_t cap = p->index_cap ? p->index_cap * 2 : 16;
        rsdk__pool_slot **tab = rsdk__calloc(cap, sizeof *tab);
        if (!tab) return false;
        for (size_t i = 0; i < p->index_cap; i++)
            if (p->index[i]) place(tab, cap, p->index[i]);
        rsdk__free(p->index);
        p->index = tab;
        p->index_cap = cap;
    }
    place(p->index, p->index_cap, sl);
    p->index_used++;
    return true;
}

rsdk__pool_slot *rsdk__pool_index_find(rsdk_pool *p, const rsdk_client *c) {
    if (!p->index_cap) return NULL;
    for (size_t i = home(p, c);; i = (i + 1) & (p->index_cap - 1)) {
        rsdk__pool_slot *sl = p->index[i];
        if (!sl || sl->c == c) return sl;
        p->probes++;
    }
}

void rsdk__pool_index_del(rsdk_pool *p, const rsdk__pool_slot *sl) {
    size_t mask = p->index_cap - 1, i = home(p, sl->c);
    while (p->index[i] != sl) i = (i + 1) & mask;
    /* Backward shift: move up every later entry of the run that may sit
     * in the hole, so no lookup stops early at it. */
    for (size_t j = (i + 1) & mask; p->index[j]; j = (j + 1) & mask) {
        size_t h = home(p, p->index[j]->c);
        /* Stays when its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (stays) continue;
        p->index[i] = p->index[j];
        i = j;
    }
    p->index[i] = NULL;
    p->index_used--;
}

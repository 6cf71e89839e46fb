/* The subscription set: binary-safe names in an open-addressing table, so
 * subscribing to many channels stays linear. Deletion shifts the following
 * run back (no tombstones), so lookups never degrade. */
#include "alloc.h"
#include "pubsub_state.h"

static uint64_t fnv1a(const char *p, size_t len) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Index of `p` or of the empty slot where it would go. cap must be > 0. */
static size_t find(const rsdk__psset *s, const char *p, size_t len, uint64_t h) {
    size_t mask = s->cap - 1, i = (size_t)h & mask;
    for (;;) {
        const rsdk__psname *e = &s->slot[i];
        if (!e->ptr) return i;
        if (e->hash == h && e->len == len && memcmp(e->ptr, p, len) == 0) return i;
        i = (i + 1) & mask;
    }
}

static bool grow(rsdk__psset *s) {
    size_t ncap = s->cap ? s->cap * 2 : 16;
    if (ncap < s->cap || ncap > SIZE_MAX / sizeof(rsdk__psname)) return false;
    rsdk__psname *ns = rsdk__calloc(ncap, sizeof *ns);
    if (!ns) return false;
    rsdk__psset old = *s;
    s->slot = ns;
    s->cap = ncap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i].ptr) s->slot[find(s, old.slot[i].ptr, old.slot[i].len, old.slot[i].hash)] = old.slot[i];
    rsdk__free(old.slot);
    return true;
}

int rsdk__psset_add(rsdk__psset *s, const char *p, size_t len) {
    uint64_t h = fnv1a(p, len);
    if (s->cap && s->slot[find(s, p, len, h)].ptr) return 0;
    /* Keep the load at most 1/2: probes stay short. */
    if ((s->count + 1) * 2 > s->cap && !grow(s)) return -1;
    char *copy = rsdk__malloc(len ? len : 1);
    if (!copy) return -1;
    if (len) memcpy(copy, p, len);
    rsdk__psname *e = &s->slot[find(s, p, len, h)];
    e->ptr = copy;
    e->len = len;
    e->hash = h;
    s->count++;
    return 1;
}

bool rsdk__psset_remove(rsdk__psset *s, const char *p, size_t len) {
    if (!s->cap) return false;
    size_t mask = s->cap - 1, i = find(s, p, len, fnv1a(p, len));
    if (!s->slot[i].ptr) return false;
    rsdk__free(s->slot[i].ptr);
    s->slot[i].ptr = NULL;
    s->count--;
    /* Move back every entry of the run after i that may sit in the hole. */
    for (size_t j = (i + 1) & mask; s->slot[j].ptr; j = (j + 1) & mask) {
        size_t home = (size_t)s->slot[j].hash & mask;
        /* j's entry may move to i when i lies cyclically in [home, j). */
        bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            s->slot[i] = s->slot[j];
            s->slot[j].ptr = NULL;
            i = j;
        }
    }
    return true;
}

void rsdk__psset_free(rsdk__psset *s) {
    for (size_t i = 0; i < s->cap; i++) rsdk__free(s->slot[i].ptr);
    rsdk__free(s->slot);
    s->slot = NULL;
    s->cap = s->count = 0;
}

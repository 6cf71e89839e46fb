/* Reply arenas: the one allocation a reply tree lives in, and the trees
 * made outside the reader (copies, lone strings). */
#include "reply_arena.h"

#include "alloc.h"

_Static_assert(sizeof(rsdk__arena_hdr) == RSDK__ARENA_HDR_SIZE, "arena header keeps the root aligned");

rsdk_reply *rsdk__reply_arena_new(size_t nodes, size_t strbytes, char **strings) {
    size_t total;
    if (!rsdk__reply_arena_size(nodes, strbytes, &total)) return NULL;
    char *mem = rsdk__malloc(total);
    if (!mem) return NULL;
    rsdk__arena_hdr *h = (rsdk__arena_hdr *)(void *)mem;
    h->magic = RSDK__ARENA_MAGIC;
    h->size = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
    h->types = 0;
    *strings = mem + total - strbytes;
    return (rsdk_reply *)(void *)(mem + RSDK__ARENA_HDR_SIZE);
}

/* Nodes and string bytes a copy of `r` needs (depth is bounded by the
 * reader's nesting cap, so recursion is safe). */
static void measure(const rsdk_reply *r, size_t *nodes, size_t *strbytes) {
    *nodes += 1;
    if (rsdk_reply_has_str(r) && r->str) *strbytes += r->len + 1;
    if (r->attribute) measure(r->attribute, nodes, strbytes);
    if (rsdk_reply_is_aggregate(r))
        for (size_t i = 0; i < r->elements; i++) measure(&r->element[i], nodes, strbytes);
}

static void copy_into(rsdk_reply *d, const rsdk_reply *s, rsdk_reply **pool, char **sp) {
    *d = *s;
    if (rsdk_reply_has_str(s) && s->str) {
        memcpy(*sp, s->str, s->len);
        (*sp)[s->len] = '\0';
        d->str = *sp;
        *sp += s->len + 1;
    }
    if (s->attribute) {
        d->attribute = (*pool)++;
        copy_into(d->attribute, s->attribute, pool, sp);
    }
    if (rsdk_reply_is_aggregate(s) && s->elements) {
        d->element = *pool;
        *pool += s->elements;
        for (size_t i = 0; i < s->elements; i++) copy_into(&d->element[i], &s->element[i], pool, sp);
    }
}

rsdk_reply *rsdk__reply_copy(const rsdk_reply *src) {
    if (!src) return NULL;
    size_t nodes = 0, strbytes = 0;
    measure(src, &nodes, &strbytes);
    char *sp = NULL;
    rsdk_reply *root = rsdk__reply_arena_new(nodes, strbytes, &sp);
    if (!root) return NULL;
    rsdk_reply *pool = root + 1;
    copy_into(root, src, &pool, &sp);
    return root;
}

rsdk_reply *rsdk__reply_new_str(rsdk_reply_type type, const char *p, size_t len) {
    if (len == SIZE_MAX) return NULL;
    char *sp = NULL;
    rsdk_reply *n = rsdk__reply_arena_new(1, len + 1, &sp);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->type = type;
    if (len) memcpy(sp, p, len);
    sp[len] = '\0';
    n->str = sp;
    n->len = len;
    return n;
}

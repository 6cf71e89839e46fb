/* Reply trees: freeing, type names and map lookup (their arena: reply_arena.c). */
#include "rsdk/reply.h"

#include "alloc.h"
#include "reply_arena.h"

void rsdk_reply_free(rsdk_reply *r) {
    if (!r) return;
    rsdk__arena_hdr *h = (rsdk__arena_hdr *)(void *)((char *)r - RSDK__ARENA_HDR_SIZE);
    /* An inner node has no header before it (the bytes there belong to the
     * same arena, so reading them is safe): refusing it beats handing free()
     * a pointer malloc never returned. */
    if (h->magic != RSDK__ARENA_MAGIC) return;
    h->magic = 0;
    rsdk__free(h);
}

const char *rsdk_reply_type_str(rsdk_reply_type t) {
    switch (t) {
    case RSDK_REPLY_STRING: return "string";
    case RSDK_REPLY_STATUS: return "status";
    case RSDK_REPLY_ERROR: return "error";
    case RSDK_REPLY_INTEGER: return "integer";
    case RSDK_REPLY_DOUBLE: return "double";
    case RSDK_REPLY_NIL: return "nil";
    case RSDK_REPLY_BOOL: return "bool";
    case RSDK_REPLY_BIGNUM: return "bignum";
    case RSDK_REPLY_VERB: return "verbatim";
    case RSDK_REPLY_ARRAY: return "array";
    case RSDK_REPLY_MAP: return "map";
    case RSDK_REPLY_SET: return "set";
    case RSDK_REPLY_PUSH: return "push";
    }
    return "unknown";
}

static bool is_text(const rsdk_reply *r) {
    return r->type == RSDK_REPLY_STRING || r->type == RSDK_REPLY_STATUS || r->type == RSDK_REPLY_VERB;
}

const rsdk_reply *rsdk_reply_map_get(const rsdk_reply *r, const char *key) {
    if (!r || !key) return NULL;
    if (r->type != RSDK_REPLY_MAP && r->type != RSDK_REPLY_ARRAY) return NULL;
    /* A RESP2 map is a flat array of key, value, ...: an odd count is not one. */
    if (r->elements % 2) return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i < r->elements; i += 2) {
        const rsdk_reply *k = &r->element[i];
        if (is_text(k) && k->len == kl && memcmp(k->str, key, kl) == 0) return &r->element[i + 1];
    }
    return NULL;
}

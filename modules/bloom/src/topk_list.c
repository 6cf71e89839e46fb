/* TOPK.LIST: items, or with WITHCOUNT item, count, item, count ... (flat on
 * both protocols). */
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "rsdk/bloom_types.h"
#include "rsdk/gen.h"

/* WITHCOUNT's layout: text and integer alternate. */
static bool with_counts(const rsdk_reply *t) {
    if (t->elements == 0 || t->elements % 2) return false;
    for (size_t i = 1; i < t->elements; i += 2)
        if (t->element[i].type != RSDK_REPLY_INTEGER) return false;
    return true;
}

rsdk_status rbloom_topk_items_read(const rsdk_reply *tree, rbloom_topk_items *out, rsdk_error *err) {
    if (tree == NULL || tree->type != RSDK_REPLY_ARRAY)
        return rsdk_gen_glue_bad(err, "TOPK.LIST", "an array of items", tree);
    bool counts = with_counts(tree);
    size_t n = counts ? tree->elements / 2 : tree->elements;
    rbloom_topk_item *items = NULL;
    if (n > 0 && (items = rsdk__calloc(n, sizeof *items)) == NULL)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "TOPK.LIST: out of memory");
    for (size_t i = 0; i < n; i++) {
        const rsdk_reply *it = &tree->element[counts ? 2 * i : i];
        if (!rsdk_gen_glue_text(it, &items[i].item) || items[i].item.ptr == NULL) {
            rsdk__free(items);
            return rsdk_gen_glue_bad(err, "TOPK.LIST", "an item", it);
        }
        if (counts) {
            items[i].count = tree->element[2 * i + 1].integer;
            items[i].has_count = true;
        }
    }
    memset(out, 0, sizeof *out);
    out->reply = tree;
    out->items = items;
    out->count = n;
    return RSDK_OK;
}

void rbloom_topk_items_deinit(rbloom_topk_items *v) {
    if (v == NULL) return;
    rsdk__free(v->items);
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}

/* TS.MADD: a timestamp per sample, or an error reply in its place for a
 * sample the server refused (the others are added). */
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "rsdk/gen.h"
#include "rsdk/timeseries_types.h"

rsdk_status rts_added_read(const rsdk_reply *tree, rts_added *out, rsdk_error *err) {
    if (tree == NULL || tree->type != RSDK_REPLY_ARRAY)
        return rsdk_gen_glue_bad(err, "TS.MADD", "an array of timestamps", tree);
    rts_added v;
    memset(&v, 0, sizeof v);
    if (tree->elements > 0 && (v.items = rsdk__calloc(tree->elements, sizeof *v.items)) == NULL)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "TS.MADD: out of memory");
    for (size_t i = 0; i < tree->elements; i++) {
        const rsdk_reply *n = &tree->element[i];
        if (n->type == RSDK_REPLY_ERROR) {
            v.items[i].error = rsdk_str_n(n->str ? n->str : "", n->str ? n->len : 0);
            v.failed++;
        } else if (n->type == RSDK_REPLY_INTEGER) {
            v.items[i].ts = n->integer;
        } else {
            rsdk__free(v.items);
            return rsdk_gen_glue_bad(err, "TS.MADD", "a timestamp or an error per sample", n);
        }
    }
    v.reply = tree;
    v.count = tree->elements;
    *out = v;
    return RSDK_OK;
}

void rts_added_deinit(rts_added *v) {
    if (v == NULL) return;
    rsdk__free(v->items);
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}

/* TS.RANGE, TS.REVRANGE, TS.GET: samples as {ts, value} arrays. RESP2 sends
 * the values as simple strings ("+1.5"), RESP3 as doubles; both read the
 * same. */
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "rsdk/gen.h"
#include "samples.h"

static bool one(const rsdk_reply *n) {
    return n->elements == 2 && n->element[0].type == RSDK_REPLY_INTEGER;
}

bool rts__samples_count(const rsdk_reply *n, size_t *count) {
    if (n == NULL || (n->type != RSDK_REPLY_ARRAY && n->type != RSDK_REPLY_SET)) return false;
    *count = one(n) ? 1 : n->elements;
    return true;
}

static bool sample(const rsdk_reply *n, rts_sample *out) {
    return n->type == RSDK_REPLY_ARRAY && n->elements == 2 && n->element[0].type == RSDK_REPLY_INTEGER &&
           (out->ts = n->element[0].integer, rsdk_reply_number(&n->element[1], &out->value));
}

bool rts__samples_fill(const rsdk_reply *n, rts_sample *out) {
    if (one(n)) return sample(n, &out[0]);
    for (size_t i = 0; i < n->elements; i++)
        if (!sample(&n->element[i], &out[i])) return false;
    return true;
}

rsdk_status rts_samples_read(const rsdk_reply *tree, rts_samples *out, rsdk_error *err) {
    size_t n;
    if (!rts__samples_count(tree, &n)) return rsdk_gen_glue_bad(err, "TS samples", "an array of samples", tree);
    rts_sample *items = NULL;
    if (n > 0) {
        items = rsdk__calloc(n, sizeof *items);
        if (items == NULL) return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "samples: out of memory");
        if (!rts__samples_fill(tree, items)) {
            rsdk__free(items);
            return rsdk_gen_glue_bad(err, "TS samples", "[timestamp, value] samples", tree);
        }
    }
    memset(out, 0, sizeof *out);
    out->reply = tree;
    out->items = items;
    out->count = n;
    return RSDK_OK;
}

void rts_samples_deinit(rts_samples *v) {
    if (v == NULL) return;
    rsdk__free(v->items);
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}

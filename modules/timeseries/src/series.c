/* TS.MRANGE, TS.MREVRANGE, TS.MGET: one entry per series (or GROUPBY
 * group) with labels and samples. RESP3 sends a map key -> [labels,
 * (aggregators or reducers and sources maps,) samples]; RESP2 an array of
 * [key, labels, samples]. Entries, labels and samples share one
 * allocation. */
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "rsdk/gen.h"
#include "samples.h"

#define CMD "TS.MRANGE/TS.MGET"

/* The parts of entry `i`: key, labels, samples, and RESP3's metadata. */
typedef struct parts {
    const rsdk_reply *key, *labels, *samples, *meta;
} parts;

static bool entry(const rsdk_reply *tree, size_t i, parts *p) {
    const rsdk_reply *body;
    memset(p, 0, sizeof *p);
    if (tree->type == RSDK_REPLY_MAP) {
        p->key = &tree->element[2 * i];
        body = &tree->element[2 * i + 1];
        if (body->type != RSDK_REPLY_ARRAY || body->elements < 2) return false;
        p->labels = &body->element[0];
        if (body->elements > 2) p->meta = &body->element[1];
    } else {
        body = &tree->element[i];
        if (body->type != RSDK_REPLY_ARRAY || body->elements != 3) return false;
        p->key = &body->element[0];
        p->labels = &body->element[1];
    }
    p->samples = &body->element[body->elements - 1];
    return rsdk_reply_is_aggregate(p->labels);
}

rsdk_status rts_series_read(const rsdk_reply *tree, rts_series *out, rsdk_error *err) {
    if (tree == NULL || (tree->type != RSDK_REPLY_MAP && tree->type != RSDK_REPLY_ARRAY))
        return rsdk_gen_glue_bad(err, CMD, "a map or an array of series", tree);
    size_t n = tree->type == RSDK_REPLY_MAP ? tree->elements / 2 : tree->elements;
    size_t nlabels = 0, nsamples = 0;
    for (size_t i = 0; i < n; i++) {
        parts p;
        size_t s;
        if (!entry(tree, i, &p) || !rts__samples_count(p.samples, &s))
            return rsdk_gen_glue_bad(err, CMD, "[key, labels, samples] per series", tree);
        nlabels += rsdk_gen_glue_pair_count(p.labels);
        nsamples += s;
    }
    size_t bytes = n * sizeof(rts_series_entry) + nlabels * sizeof(rsdk_pair) + nsamples * sizeof(rts_sample);
    char *mem = NULL;
    if (bytes > 0 && (mem = rsdk__calloc(1, bytes)) == NULL)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "%s: out of memory", CMD);
    rts_series_entry *items = (rts_series_entry *)(void *)mem;
    rsdk_pair *labels = (rsdk_pair *)(void *)(mem + n * sizeof(rts_series_entry));
    rts_sample *samples = (rts_sample *)(void *)(mem + n * sizeof(rts_series_entry) + nlabels * sizeof(rsdk_pair));
    rsdk_status st = RSDK_OK;
    for (size_t i = 0; i < n && st == RSDK_OK; i++) {
        parts p;
        entry(tree, i, &p);
        rts_series_entry *e = &items[i];
        if (!rsdk_gen_glue_text(p.key, &e->key) || e->key.ptr == NULL) {
            st = rsdk_gen_glue_bad(err, CMD, "a series key", p.key);
            break;
        }
        e->labels = labels;
        e->label_count = rsdk_gen_glue_pair_count(p.labels);
        st = rsdk_gen_glue_pairs(p.labels, labels, e->label_count, CMD, err);
        labels += e->label_count;
        e->samples = samples;
        rts__samples_count(p.samples, &e->sample_count);
        if (st == RSDK_OK && !rts__samples_fill(p.samples, samples))
            st = rsdk_gen_glue_bad(err, CMD, "[timestamp, value] samples", p.samples);
        samples += e->sample_count;
        e->meta = p.meta;
    }
    if (st != RSDK_OK) {
        rsdk__free(mem);
        return st;
    }
    memset(out, 0, sizeof *out);
    out->reply = tree;
    out->items = items;
    out->count = n;
    return RSDK_OK;
}

void rts_series_deinit(rts_series *v) {
    if (v == NULL) return;
    rsdk__free(v->items);
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}

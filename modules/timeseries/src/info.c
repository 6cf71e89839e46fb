/* TS.INFO as a struct: a map on RESP3, a flat list on RESP2 (brought to a
 * map by the generated decoder); labels and rules as arrays. */
#include <stddef.h>
#include <string.h>

#include "runtime/src/base/alloc.h"
#include "rsdk/gen.h"
#include "rsdk/timeseries_types.h"

#define F(name, kind, field) {name, RSDK_GEN_FIELD_##kind, offsetof(rts_series_info, field)}

/* Scratch fields for the two nested values. */
typedef struct nested {
    rts_series_info info;
    const rsdk_reply *labels, *rules;
} nested;

#define N(name, field) {name, RSDK_GEN_FIELD_NODE, offsetof(nested, field)}

static const rsdk_gen_field FIELDS[] = {
    F("totalSamples", INT, total_samples),
    F("memoryUsage", INT, memory_usage),
    F("firstTimestamp", INT, first_timestamp),
    F("lastTimestamp", INT, last_timestamp),
    F("retentionTime", INT, retention_time),
    F("chunkCount", INT, chunk_count),
    F("chunkSize", INT, chunk_size),
    F("chunkType", TEXT, chunk_type),
    F("duplicatePolicy", TEXT, duplicate_policy),
    F("sourceKey", TEXT, source_key),
    F("ignoreMaxTimeDiff", INT, ignore_max_time_diff),
    F("ignoreMaxValDiff", DOUBLE, ignore_max_val_diff),
    N("labels", labels),
    N("rules", rules),
};

/* Rule `i`: RESP2 [dest, bucket, aggregator, align], RESP3 dest -> [bucket,
 * aggregator, align]. */
static bool rule(const rsdk_reply *rules, size_t i, rts_rule *r) {
    const rsdk_reply *dest, *rest;
    size_t at = 0;
    if (rules->type == RSDK_REPLY_MAP) {
        dest = &rules->element[2 * i];
        rest = &rules->element[2 * i + 1];
    } else {
        rest = &rules->element[i];
        if (rest->type != RSDK_REPLY_ARRAY || rest->elements < 1) return false;
        dest = &rest->element[0];
        at = 1;
    }
    if (rest->type != RSDK_REPLY_ARRAY || rest->elements < at + 2) return false;
    r->align = 0;
    return rsdk_gen_glue_text(dest, &r->dest_key) && rsdk_gen_glue_int(&rest->element[at], &r->bucket_duration) &&
           rsdk_gen_glue_text(&rest->element[at + 1], &r->aggregator) &&
           (rest->elements < at + 3 || rsdk_gen_glue_int(&rest->element[at + 2], &r->align));
}

rsdk_status rts_series_info_read(const rsdk_reply *tree, rts_series_info *out, rsdk_error *err) {
    nested n;
    memset(&n, 0, sizeof n);
    rsdk_status st = rsdk_gen_glue_fields(tree, FIELDS, sizeof FIELDS / sizeof FIELDS[0], &n, "TS.INFO", err);
    if (st != RSDK_OK) return st;
    size_t nlabels = n.labels && rsdk_reply_is_aggregate(n.labels) ? rsdk_gen_glue_pair_count(n.labels) : 0;
    size_t nrules = 0;
    if (n.rules && rsdk_reply_is_aggregate(n.rules))
        nrules = n.rules->type == RSDK_REPLY_MAP ? n.rules->elements / 2 : n.rules->elements;
    size_t bytes = nlabels * sizeof(rsdk_pair) + nrules * sizeof(rts_rule);
    char *mem = NULL;
    if (bytes > 0 && (mem = rsdk__calloc(1, bytes)) == NULL)
        return rsdk_error_set(err, RSDK_ERR_NOMEM, 0, "TS.INFO: out of memory");
    rsdk_pair *labels = (rsdk_pair *)(void *)mem;
    rts_rule *rules = (rts_rule *)(void *)(mem + nlabels * sizeof(rsdk_pair));
    st = rsdk_gen_glue_pairs(n.labels, labels, nlabels, "TS.INFO", err);
    for (size_t i = 0; i < nrules && st == RSDK_OK; i++)
        if (!rule(n.rules, i, &rules[i])) st = rsdk_gen_glue_bad(err, "TS.INFO", "a compaction rule", n.rules);
    if (st != RSDK_OK) {
        rsdk__free(mem);
        return st;
    }
    *out = n.info;
    out->reply = tree;
    out->owner = NULL;
    out->labels = nlabels ? labels : NULL;
    out->label_count = nlabels;
    out->rules = nrules ? rules : NULL;
    out->rule_count = nrules;
    return RSDK_OK;
}

void rts_series_info_deinit(rts_series_info *v) {
    if (v == NULL) return;
    /* labels and rules share one allocation, which starts at the labels
     * (or at the rules when there are no labels) */
    rsdk__free(v->labels ? (void *)v->labels : (void *)v->rules);
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}

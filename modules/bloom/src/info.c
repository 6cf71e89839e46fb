/* The INFO records of the five families: named fields of a map (RESP3) or
 * a flat list (RESP2), read by one field table each. */
#include <stddef.h>
#include <string.h>

#include "rsdk/bloom_types.h"
#include "rsdk/gen.h"

#define F(T, name, kind, field) {name, RSDK_GEN_FIELD_##kind, offsetof(T, field)}
#define COUNT(a) (sizeof a / sizeof a[0])

/* read and deinit of a record type `T` whose fields are in `fields`. */
#define RECORD(T, command, fields)                                                          \
    rsdk_status T##_read(const rsdk_reply *tree, T *out, rsdk_error *err) {                \
        T v;                                                                                \
        memset(&v, 0, sizeof v);                                                            \
        rsdk_status st = rsdk_gen_glue_fields(tree, fields, COUNT(fields), &v, command, err); \
        if (st != RSDK_OK) return st;                                                       \
        v.reply = tree;                                                                     \
        *out = v;                                                                           \
        return RSDK_OK;                                                                     \
    }                                                                                       \
    void T##_deinit(T *v) {                                                                 \
        if (v == NULL) return;                                                              \
        rsdk_reply_free(v->owner);                                                          \
        memset(v, 0, sizeof *v);                                                            \
    }

static const rsdk_gen_field BF[] = {
    F(rbloom_bf_summary, "Capacity", INT, capacity),
    F(rbloom_bf_summary, "Size", INT, size),
    F(rbloom_bf_summary, "Number of filters", INT, filters),
    F(rbloom_bf_summary, "Number of items inserted", INT, items),
    F(rbloom_bf_summary, "Expansion rate", INT, expansion),
};

static const rsdk_gen_field CF[] = {
    F(rbloom_cf_summary, "Size", INT, size),
    F(rbloom_cf_summary, "Number of buckets", INT, buckets),
    F(rbloom_cf_summary, "Number of filters", INT, filters),
    F(rbloom_cf_summary, "Number of items inserted", INT, items_inserted),
    F(rbloom_cf_summary, "Number of items deleted", INT, items_deleted),
    F(rbloom_cf_summary, "Bucket size", INT, bucket_size),
    F(rbloom_cf_summary, "Expansion rate", INT, expansion),
    F(rbloom_cf_summary, "Max iterations", INT, max_iterations),
};

static const rsdk_gen_field CMS[] = {
    F(rbloom_cms_summary, "width", INT, width),
    F(rbloom_cms_summary, "depth", INT, depth),
    F(rbloom_cms_summary, "count", INT, count),
};

static const rsdk_gen_field TOPK[] = {
    F(rbloom_topk_summary, "k", INT, k),
    F(rbloom_topk_summary, "width", INT, width),
    F(rbloom_topk_summary, "depth", INT, depth),
    F(rbloom_topk_summary, "decay", DOUBLE, decay),
};

static const rsdk_gen_field TDIGEST[] = {
    F(rbloom_tdigest_summary, "Compression", INT, compression),
    F(rbloom_tdigest_summary, "Capacity", INT, capacity),
    F(rbloom_tdigest_summary, "Merged nodes", INT, merged_nodes),
    F(rbloom_tdigest_summary, "Unmerged nodes", INT, unmerged_nodes),
    F(rbloom_tdigest_summary, "Merged weight", DOUBLE, merged_weight),
    F(rbloom_tdigest_summary, "Unmerged weight", DOUBLE, unmerged_weight),
    F(rbloom_tdigest_summary, "Observations", INT, observations),
    F(rbloom_tdigest_summary, "Total compressions", INT, total_compressions),
    F(rbloom_tdigest_summary, "Memory usage", INT, memory_usage),
};

RECORD(rbloom_cf_summary, "CF.INFO", CF)
RECORD(rbloom_cms_summary, "CMS.INFO", CMS)
RECORD(rbloom_topk_summary, "TOPK.INFO", TOPK)
RECORD(rbloom_tdigest_summary, "TDIGEST.INFO", TDIGEST)

/* BF.INFO also answers one value alone: RESP2 [100], RESP3 {Capacity: 100}. */
rsdk_status rbloom_bf_summary_read(const rsdk_reply *tree, rbloom_bf_summary *out, rsdk_error *err) {
    rbloom_bf_summary v;
    memset(&v, 0, sizeof v);
    if (tree != NULL && tree->type == RSDK_REPLY_ARRAY && tree->elements == 1) {
        if (!rsdk_gen_glue_int(&tree->element[0], &v.value))
            return rsdk_gen_glue_bad(err, "BF.INFO", "an integer", &tree->element[0]);
        v.single = true;
    } else {
        rsdk_status st = rsdk_gen_glue_fields(tree, BF, COUNT(BF), &v, "BF.INFO", err);
        if (st != RSDK_OK) return st;
        const rsdk_reply *k, *val;
        if (rsdk_gen_glue_pair_count(tree) == 1 && rsdk_gen_glue_pair_at(tree, 0, &k, &val) &&
            rsdk_gen_glue_int(val, &v.value))
            v.single = true;
    }
    v.reply = tree;
    *out = v;
    return RSDK_OK;
}

void rbloom_bf_summary_deinit(rbloom_bf_summary *v) {
    if (v == NULL) return;
    rsdk_reply_free(v->owner);
    memset(v, 0, sizeof *v);
}
